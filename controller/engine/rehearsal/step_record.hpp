// What a rehearsal measured for each step of the plan, and the decisions drawn from it: the
// lock waits seen by sampling (LockWaitTally), the slowest steps for the report, the budgets
// (`--max-seconds`, `--max-lock-wait-seconds`, over the plan's steps, naming the step at
// which the running total broke the budget), and the per-step table printed on stdout. Pure.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace retort::engine::rehearsal {

// One lock a step waited for: pg_locks' locktype and mode, and the relation when there is one.
struct LockWaitKey {
  std::string lockType, mode, relation;
  bool operator==(const LockWaitKey&) const = default;
};

struct LockWait {
  LockWaitKey key;
  double seconds = 0;
};

struct StepRecord {
  std::string revision, file, way;  // way: upgrade or downgrade
  enum class State { NotRun, Succeeded, Failed };
  State state = State::NotRun;
  double seconds = 0;
  std::optional<long long> rows;  // as the command tags count them; none: no tag did
  std::vector<LockWait> lockWaits;
  double lockWaitSeconds() const;
};

// Turns samples of one backend's wait (taken every `interval`) into waits: each run of
// consecutive samples on the same lock is one wait, lasting from its first to its last sample
// plus one interval (it began at most one interval before it was first seen). Waits on the same
// lock add up.
class LockWaitTally {
 public:
  explicit LockWaitTally(std::chrono::milliseconds interval) : interval_(interval) {}
  void sample(std::chrono::steady_clock::time_point time, const std::optional<LockWaitKey>& wait);
  std::vector<LockWait> waits() const;  // longest first

 private:
  std::chrono::milliseconds interval_;
  std::vector<LockWait> done_;
  std::optional<LockWaitKey> current_;
  std::chrono::steady_clock::time_point first_, last_;
};

// Indexes of the `count` slowest steps that ran, slowest first (ties: plan order).
std::vector<size_t> slowestSteps(const std::vector<StepRecord>& steps, size_t count);

struct Budget {
  std::optional<double> maxSeconds;
  std::optional<double> maxLockWaitSeconds;
};
struct BudgetBreach {
  std::string reason;  // OverTimeBudget or OverLockWaitBudget
  size_t step = 0;     // where the running total went over
  std::string message;
};
// The first budget the steps' running totals break, if any (time is checked first).
std::optional<BudgetBreach> checkBudget(const std::vector<StepRecord>& steps, const Budget& budget);

// The table on stdout: one line a step (number, revision, way, seconds, rows, lock waits,
// state, file), then the totals.
std::string renderStepTable(const std::vector<StepRecord>& steps);

// "RowExclusiveLock on relation purchases", "ShareLock on transactionid".
std::string describeLockWait(const LockWaitKey& key);

}  // namespace retort::engine::rehearsal
