// The delay before the controller recreates the Job of a move that failed transiently (the
// database was unreachable, exit code 5, after the Job's own retries): 30 s after the first
// failure, doubling per further failure of the same object up to 16 min, reset by a success.
// A failure is one failed Job (its uid), however many reconciles observe it. Time comes from
// the injectable Clock, so the unit tests drive it with FakeClock. State lives in memory: a
// restarted controller starts again at 30 s. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "operator/runtime/clock.hpp"

namespace retort::op {

class TransientBackoff {
 public:
  explicit TransientBackoff(std::shared_ptr<const Clock> clock) : clock_(std::move(clock)) {}

  // A Job (by uid) of key failed transiently: the first report of that Job counts one more
  // failure and starts its delay; later reports of the same Job change nothing.
  void recordFailure(const std::string& key, const std::string& jobUid);
  // Time left before the Job may be recreated; nullopt when none is pending (or it ran out).
  std::optional<Duration> remaining(const std::string& key) const;
  int failures(const std::string& key) const;
  // A success (or the object is gone): the next failure waits 30 s again.
  void reset(const std::string& key);

 private:
  struct State {
    int failures = 0;
    std::string lastJobUid;
    TimePoint notBefore;
  };
  std::shared_ptr<const Clock> clock_;
  mutable std::mutex mutex_;
  std::map<std::string, State> states_;
};

}  // namespace retort::op
