// Runs migration steps against a live database. Each step is one transaction by default:
// the script's statements, the version-table change and the history record commit together
// or not at all (`transactional: false` steps run their statements in autocommit first).
// A session advisory lock keyed on the version table makes concurrent runners take turns;
// waiters poll for it between statements rather than block inside one, because a blocked
// statement holds a snapshot that CREATE INDEX CONCURRENTLY in the holder would wait for.
// Transaction control (COMMIT, ROLLBACK, BEGIN, PREPARE) in a transactional step is refused
// before anything runs. A `transactional: false` step is marked in progress in the history
// table before its first statement; while such a mark stands (the runner died, or a statement
// failed after others committed), script steps are refused until `retort resolve` clears it.
// Steps commit with synchronous_commit off and the run's last commit is synchronous, so a
// finished run is durable while a crash mid-run can only lose a suffix of whole steps. A
// transactional step costs one round trip: its version change is checked when the server
// answers, and its history record and COMMIT go at the head of the next step's batch (or alone
// at the end of run()), so nothing commits unchecked.
// A transactional step (or stamp) that fails on lock_timeout is run again, in a new transaction,
// up to RunOptions::lockRetries times (engine/runtime/lock_retry.hpp); the steps before it
// stay committed. A `transactional: false` step is never retried: its statements commit one
// by one, and CREATE INDEX CONCURRENTLY leaves an invalid index behind when it fails.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/revision/migration_step.hpp"
#include "engine/runtime/connection.hpp"
#include "engine/runtime/history_table.hpp"
#include "engine/runtime/lock_retry.hpp"
#include "engine/runtime/version_table.hpp"

namespace retort::engine {

struct RunOptions {
  std::string lockTimeout;       // PostgreSQL interval text; empty: server default
  std::string statementTimeout;  // likewise
  int lockRetries = 0;           // new tries of a transactional step that hit lock_timeout
  // Opens another session to the database, to see who blocks a step while lock retries are on;
  // none: blockers are reported as unknown.
  std::function<std::unique_ptr<Connection>()> connectWatcher;
  // The pause between tries; none: std::this_thread::sleep_for. Tests make it short.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Told after each step ran (its commit may still ride with the next step's batch): the rows
  // its statements' command tags count (INSERT, UPDATE, DELETE, COPY, ...), summed; none when no
  // statement's tag carries a count. `retort rehearse` shows them per step.
  std::function<void(const MigrationStep&, std::optional<long long> rowsTouched)> onStepRan;
};

// Why a step cannot run or resume: an interrupted non-transactional step awaits a human.
std::string interruptedStepMessage(const RevisionGraph& graph,
                                   const HistoryTable::InterruptedStep& step);

// A step that failed: names the script file and the line of the failing statement.
class MigrationFailed : public std::runtime_error {
 public:
  MigrationFailed(const std::string& message, std::string file, int line, std::string sqlstate = {},
                  bool connectionLost = false)
      : std::runtime_error(message),
        file_(std::move(file)),
        line_(line),
        sqlstate_(std::move(sqlstate)),
        connectionLost_(connectionLost) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& sqlstate() const { return sqlstate_; }  // empty when not a server error
  // A transactional step (or stamp) whose session ended under it: the server rolled it back,
  // so running the plan again is safe. Never set for a `transactional: false` step.
  bool connectionLost() const { return connectionLost_; }

 private:
  std::string file_;
  int line_;
  std::string sqlstate_;
  bool connectionLost_;
};

class Migrator {
 public:
  Migrator(Connection& connection, const RevisionGraph& graph, VersionTableName name,
           RunOptions options);

  // Applies timeouts, takes the advisory lock (waiting, with a log line, when another runner
  // holds it) and creates the version and history tables when `mutating`.
  void begin(bool mutating);
  // The version table's rows, ordered by the revisions' load order (unknown ids last).
  std::vector<std::string> currentRows();
  // Runs `steps` from `rows`; returns the rows afterwards.
  std::vector<std::string> run(const std::vector<MigrationStep>& steps,
                               std::vector<std::string> rows);
  // Deletes every row (stamp --purge).
  void purge();

  VersionTable& versionTable() { return versionTable_; }
  HistoryTable& historyTable() { return historyTable_; }

  // Takes the session advisory lock that serialises runs on this version table, polling
  // pg_try_advisory_lock (a blocked pg_advisory_lock would hold a snapshot that a concurrent
  // CREATE INDEX CONCURRENTLY waits for), bounded by lock_timeout. begin(true) calls it; a
  // caller that must hold the lock earlier (retort run, from planning on) calls it first.
  void acquireLock();

  // New tries made so far for steps that hit lock_timeout, over every step of this migrator.
  int lockRetriesMade() const { return lockRetriesMade_; }

 private:
  void refuseTransactionControl(const MigrationStep& step) const;
  void refuseWhileInterrupted();
  // Where a step's script sits in the batch sent for it, to find the failing line.
  struct BatchLayout {
    std::string sql;
    size_t scriptBegin = 0, scriptEnd = 0;  // bytes; equal when the batch holds no script
    size_t statementsBefore = 0;            // statements of the batch before the script's
  };
  // A checked step not yet committed: its history record, then COMMIT, still to be sent.
  struct PendingCommit {
    std::string recordSql;
    const MigrationStep* step;
    double elapsedMs;
  };
  static constexpr size_t kPendingCommitStatements = 2;  // the record and COMMIT

  void runStep(const MigrationStep& step, const std::vector<VersionChange>& changes);
  // Sends the pending step's record and COMMIT on their own; a failure is that step's.
  void commitPendingStep(bool synchronous);
  // Runs a non-transactional step's statements one by one, recording progress; returns the
  // id of its in-progress history row.
  long runStatementsOneByOne(const MigrationStep& step, const std::string& versionSql,
                             std::chrono::steady_clock::time_point start);
  // `note` follows the error's message (who blocked a step that ran out of lock retries).
  [[noreturn]] void fail(const MigrationStep& step, const std::exception& error, double elapsedMs,
                         const BatchLayout& batch, const std::string& note = {});
  // "<revision> (<file>)" for a script step; the target revisions for a stamp.
  std::string stepName(const MigrationStep& step) const;
  void recordFailure(const MigrationStep& step, const std::string& message, double elapsedMs);

  Connection& connection_;
  const RevisionGraph& graph_;
  VersionTable versionTable_;
  HistoryTable historyTable_;
  RunOptions options_;
  std::unique_ptr<BlockerWatch> watch_;  // from the first run() with lock retries on
  int lockRetriesMade_ = 0;
  std::optional<PendingCommit> pendingCommit_;
  std::optional<long long> stepRows_;  // of the step running now, for onStepRan
  std::mt19937 jitter_{std::random_device{}()};
};

}  // namespace retort::engine
