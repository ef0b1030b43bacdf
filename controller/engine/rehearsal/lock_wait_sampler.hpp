// Samples, from a session of its own, which lock one backend waits for (pg_stat_activity's
// wait_event_type 'Lock', and the lock it has not been granted in pg_locks), every `interval`,
// on a thread of its own, and tallies the waits per step: the rehearsal calls beginStep()
// before a step and endStep() after it. Waits shorter than the interval may go unseen; a
// sampler that cannot connect or query logs a warning and reports no waits (measuring never
// fails a rehearsal).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "engine/rehearsal/step_record.hpp"
#include "engine/runtime/connection.hpp"

namespace retort::engine::rehearsal {

class LockWaitSampler {
 public:
  LockWaitSampler(std::function<std::unique_ptr<Connection>()> connect, int watchedPid,
                  std::chrono::milliseconds interval);
  LockWaitSampler(const LockWaitSampler&) = delete;
  LockWaitSampler& operator=(const LockWaitSampler&) = delete;
  ~LockWaitSampler();

  void beginStep();
  // The waits seen since beginStep(), longest first.
  std::vector<LockWait> endStep();

 private:
  void run(std::function<std::unique_ptr<Connection>()> connect);

  int watchedPid_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::optional<LockWaitTally> tally_;  // set between beginStep() and endStep()
  std::thread thread_;
};

}  // namespace retort::engine::rehearsal
