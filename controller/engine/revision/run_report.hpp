// The report of `retort run` (DESIGN.md section 5): one JSON object that the operator reads
// from the Job's termination message, so it is at most 4,096 bytes whatever the plan's size.
// Lists that do not fit are cut and end with a "... and N more" item; the message is cut last.
// `retort rehearse` adds a `rehearsal` object (slowest steps, lock waits), cut like the lists.
// Pure: the command writes the text where it is asked to.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/revision/plan.hpp"

namespace retort::engine {

inline constexpr size_t kRunReportLimit = 4096;

struct RunReport {
  std::string runId;
  std::string outcome = "Failed";  // Succeeded|NothingToDo|Planned|Failed|Refused|BackupFailed|
                                   // Transient|Invalid
  std::string reason;
  std::string message;
  std::vector<std::string> from, to, target;
  std::string direction = "none";
  int steps = 0;
  std::string planHash;
  bool dataLoss = false;
  // One line a step, for a person approving the plan: "<revision> <file> (<way>)", then
  // "data loss" and each lint finding's rule and line where there are any.
  std::vector<std::string> planSteps;
  struct FailedStep {
    std::string revision, file, sqlstate;
    int line = 0;
  };
  std::optional<FailedStep> failedStep;
  struct Backup {
    std::string file, sha256;
    long long bytes = 0;
    double seconds = 0;
  };
  std::optional<Backup> backup;
  int lockRetries = 0;  // new tries of steps that hit lock_timeout, over the whole run
  double seconds = 0;
  // `retort rehearse`: the plan ran on a scratch copy of the database (engine/rehearsal).
  struct Rehearsal {
    std::string scratchDatabase;
    bool backupReused = false;
    double restoreSeconds = 0;
    double migrateSeconds = 0;  // the plan's steps, as production would run them
    struct Step {
      std::string revision, file;
      double seconds = 0;
      std::optional<long long> rows;
    };
    std::vector<Step> slowestSteps;  // slowest first
    double lockWaitSeconds = 0;
    struct Wait {
      std::string revision, lockType, mode, relation;
      double seconds = 0;
    };
    std::vector<Wait> lockWaits;  // longest first
  };
  std::optional<Rehearsal> rehearsal;

  // Copies direction, heads, steps, hash and data loss from `plan`.
  void describePlan(const Plan& plan);
};

// The outcome each exit code of DESIGN.md section 5 reports.
std::string outcomeFor(int exitCode);

// Compact JSON, at most `limit` bytes.
std::string renderRunReport(const RunReport& report, size_t limit = kRunReportLimit);

}  // namespace retort::engine
