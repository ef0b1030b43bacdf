// The side table (`<version table>_history`) that records every step Retort runs: what,
// which way, the script's checksum, who, when, how long, and whether it worked. Alembic never
// reads it, so the version table stays exactly Alembic's. `verify` compares its checksums.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "engine/revision/migration_step.hpp"
#include "engine/runtime/connection.hpp"
#include "engine/runtime/version_table.hpp"

namespace retort::engine {

struct HistoryRecord {
  std::string revision;   // the revision run (for stamps: the destination, or the origin at base)
  std::string operation;  // upgrade, downgrade or stamp
  std::string fromRevisions;  // comma-separated
  std::string toRevisions;
  std::string checksum;  // empty for stamps
  double durationMs = 0;
  bool success = true;
  std::string error;
};

// The record of running `step` of `graph` that took `elapsedMs`, as a success: both executors
// (Retort's own statements and Alembic's for .py steps) build their rows here, so the two
// agree on ids, direction and checksum.
HistoryRecord historyRecordFor(const RevisionGraph& graph, const MigrationStep& step,
                               double elapsedMs);

// A record's duration: milliseconds from `start` to now on the steady clock.
double millisecondsSince(std::chrono::steady_clock::time_point start);

class HistoryTable {
 public:
  HistoryTable(Connection& connection, VersionTableName name)
      : connection_(connection), name_(std::move(name)) {}

  void create();
  bool exists();
  // The INSERT for `record`, started at the statement's transaction time minus its duration.
  std::string insertSql(const HistoryRecord& record) const;

  struct AppliedChecksum {
    std::string revision;
    std::string checksum;
    std::string appliedAt;
  };
  // For each revision, the checksum of its most recent successful upgrade.
  std::vector<AppliedChecksum> lastUpgradeChecksums();

  // Progress of `transactional: false` steps, whose statements commit one by one: a row is
  // marked in progress before the first statement, counts the statements done, and carries
  // the version-table change to apply if a human later declares the step applied.
  void addProgressColumns();
  // Inserts `record` marked in progress (durably) and returns its id.
  long startStep(const HistoryRecord& record, const std::string& pendingVersionSql);
  void recordStatementsDone(long id, int statementsDone);
  // SQL that turns the in-progress row into the finished record (run in the step's commit).
  std::string finishStepSql(long id, double durationMs) const;
  // The step failed before changing anything: the row becomes an ordinary failure record.
  void abandonStep(long id, const std::string& error, double durationMs);
  // The step failed after some statements committed: it stays in progress, with the error.
  void keepStepInterrupted(long id, const std::string& error);

  struct InterruptedStep {
    long id = 0;
    std::string revision;
    std::string operation;  // upgrade or downgrade
    int statementsDone = 0;
    std::string error;  // empty when the runner vanished without a word
  };
  // The oldest step left in progress, if any.
  std::optional<InterruptedStep> interruptedStep();
  // A human's verdict on an interrupted step: applied (the version change is made now) or
  // not applied (the record becomes a failure). Both commit in one transaction.
  void resolveStep(const InterruptedStep& step, bool applied);
  // The run id (`retort run --run-id`) recorded with every later record, so the run's report
  // and its rows can be matched; empty: NULL.
  void setRunId(std::string runId) { runId_ = std::move(runId); }

 private:
  Connection& connection_;
  VersionTableName name_;
  std::string runId_;
};

}  // namespace retort::engine
