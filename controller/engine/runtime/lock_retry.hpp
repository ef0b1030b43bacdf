// The lock budget of a migration run (issue 21): a transactional step that fails on
// lock_timeout (SQLSTATE 55P03) was rolled back whole, so it is run again in a new transaction
// after a backoff, up to --lock-retries times. Who held the lock is only visible while the step
// waits (pg_blocking_pids of a backend that no longer waits is empty), so a BlockerWatch polls
// for it from a second session during the run and keeps the last blockers it saw.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/runtime/connection.hpp"

namespace retort::engine {

inline constexpr std::chrono::milliseconds kLockRetryFirstDelay{200};
inline constexpr std::chrono::milliseconds kLockRetryMaxDelay{5000};
inline constexpr double kLockRetryJitter = 0.2;

// The pause before retry `retry` (1-based): 200 ms doubling, capped at 5 s, then scaled by
// 1 + 0.2 * `jitter` (`jitter` in [-1, 1]) so that runners blocked together do not retry
// together.
std::chrono::milliseconds lockRetryDelay(int retry, double jitter);

// A session that held a lock a step waited for. Never its query text: it may hold data.
struct LockBlocker {
  int pid = 0;
  std::string application;
  std::string state;
  std::optional<double> transactionSeconds;  // none outside a transaction
};

// "pid 1234 (application psql, state idle in transaction, transaction open 12.3 s)", joined
// with ", " for several; "an unknown session" when none was seen.
std::string describeBlockers(const std::vector<LockBlocker>& blockers);

class BlockerWatch {
 public:
  // Polls, every `interval`, the sessions blocking backend `watchedPid`, over a session that
  // `connect` opens on the watcher's own thread. A watcher that cannot connect logs a warning
  // and sees nothing: blocker reporting never fails a run.
  BlockerWatch(std::function<std::unique_ptr<Connection>()> connect, int watchedPid,
               std::chrono::milliseconds interval);
  BlockerWatch(const BlockerWatch&) = delete;
  BlockerWatch& operator=(const BlockerWatch&) = delete;
  ~BlockerWatch();

  // The blockers of the most recent wait seen since the last forget().
  std::vector<LockBlocker> lastSeen() const;
  void forget();

 private:
  void watch(std::function<std::unique_ptr<Connection>()> connect);

  int watchedPid_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::vector<LockBlocker> seen_;
  std::thread thread_;
};

}  // namespace retort::engine
