// Runs migration steps against a live database. Each step is one transaction by default:
// the script's statements, the version-table change and the history record commit together
// or not at all (`transactional: false` steps run their statements in autocommit first).
// A session advisory lock keyed on the version table makes concurrent runners take turns.
// Steps commit with synchronous_commit off and the run's last commit is synchronous, so a
// finished run is durable while a crash mid-run can only lose a suffix of whole steps.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "engine/revision/migration_step.hpp"
#include "engine/runtime/connection.hpp"
#include "engine/runtime/history_table.hpp"
#include "engine/runtime/version_table.hpp"

namespace retort::engine {

struct RunOptions {
  std::string lockTimeout;       // PostgreSQL interval text; empty: server default
  std::string statementTimeout;  // likewise
};

// A step that failed: names the script file and the line of the failing statement.
class MigrationFailed : public std::runtime_error {
 public:
  MigrationFailed(const std::string& message, std::string file, int line, std::string sqlstate = {})
      : std::runtime_error(message),
        file_(std::move(file)),
        line_(line),
        sqlstate_(std::move(sqlstate)) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& sqlstate() const { return sqlstate_; }  // empty when not a server error

 private:
  std::string file_;
  int line_;
  std::string sqlstate_;
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

 private:
  void runStep(const MigrationStep& step, const std::vector<VersionChange>& changes, bool last);
  [[noreturn]] void fail(const MigrationStep& step, const std::exception& error, double elapsedMs,
                         const std::string& batchPrefix);
  void recordFailure(const MigrationStep& step, const std::string& message, double elapsedMs);
  HistoryRecord recordFor(const MigrationStep& step, double elapsedMs) const;

  Connection& connection_;
  const RevisionGraph& graph_;
  VersionTable versionTable_;
  HistoryTable historyTable_;
  RunOptions options_;
};

}  // namespace retort::engine
