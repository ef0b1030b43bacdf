#include "engine/runtime/migrator.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "engine/script/script_directory.hpp"
#include "engine/sql/parsed_sql.hpp"
#include "engine/sql/statement_splitter.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/log.hpp"
#include "engine/util/text.hpp"

namespace retort::engine {

namespace {

constexpr const char* kLogger = "retort.runtime.migration";
constexpr std::string_view kBegin = "BEGIN;\n";

std::string formatMs(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, ms < 10 ? "%.2f ms" : "%.0f ms", ms);
  return buffer;
}

void addRows(std::optional<long long>& total, const Result& result) {
  if (std::optional<long long> rows = result.reportedRows()) total = total.value_or(0) + *rows;
}

const SqlSection& sectionFor(const RevisionGraph& graph, const MigrationStep& step) {
  const Script& script = graph.script(step.revision);
  if (step.kind == MigrationStep::Kind::Upgrade) return script.upgrade;
  return *script.downgrade;
}

}  // namespace

Migrator::Migrator(Connection& connection, const RevisionGraph& graph, VersionTableName name,
                   RunOptions options)
    : connection_(connection),
      graph_(graph),
      versionTable_(connection, name),
      historyTable_(connection, name.history()),
      options_(std::move(options)) {}

std::string interruptedStepMessage(const RevisionGraph& graph,
                                   const HistoryTable::InterruptedStep& step) {
  std::string where = "statement " + std::to_string(step.statementsDone + 1);
  RevisionIndex index = graph.find(step.revision);
  if (index >= 0) {
    const Script& script = graph.script(index);
    const bool down = step.operation == "downgrade";
    if (!down || script.downgrade) {
      const SqlSection& section = down ? *script.downgrade : script.upgrade;
      std::vector<Statement> statements = splitStatements(section, script.path.string());
      const size_t reached = static_cast<size_t>(step.statementsDone);
      if (reached < statements.size()) {
        std::string text(statements[reached].sql.substr(0, statements[reached].sql.find('\n')));
        if (text.size() > 80) text = text.substr(0, 77) + "...";
        where += " of " + std::to_string(statements.size()) + " at " + script.path.string() + ":" +
                 std::to_string(statements[reached].line) + " (" + text + ")";
      } else {
        where = "the version change after all " + std::to_string(statements.size()) +
                " statements of " + script.path.string();
      }
    }
  }
  return "The non-transactional " + step.operation + " of revision " + step.revision +
         " was interrupted: " + std::to_string(step.statementsDone) +
         " statement(s) committed, and " + where + " may or may not have taken effect" +
         (step.error.empty() ? "" : " (it failed with: " + step.error + ")") +
         ". Look at the database, then run 'retort resolve " + step.revision +
         " --applied' if the step's effects are all there, or 'retort resolve " + step.revision +
         " --not-applied' after undoing them.";
}

void Migrator::begin(bool mutating) {
  if (!options_.lockTimeout.empty()) {
    connection_.exec("SET lock_timeout = " + connection_.quoteLiteral(options_.lockTimeout));
  }
  if (!options_.statementTimeout.empty()) {
    connection_.exec("SET statement_timeout = " +
                     connection_.quoteLiteral(options_.statementTimeout));
  }
  if (!mutating) return;
  acquireLock();
  connection_.exec("SET synchronous_commit = off");
  versionTable_.create();
  historyTable_.create();
  historyTable_.addProgressColumns();
}

void Migrator::acquireLock() {
  const std::string key = "retort:" + versionTable_.name().qualified();
  const std::string tryLock =
      "SELECT pg_try_advisory_lock(hashtextextended(" + connection_.quoteLiteral(key) + ", 0))";
  if (connection_.exec(tryLock).value(0, 0) == "t") return;
  Log::info(kLogger, "Waiting for another migration run to release its lock on " +
                         versionTable_.name().qualified() + " ...");
  // lock_timeout (0: wait forever) bounds the wait as it would bound pg_advisory_lock.
  const double timeoutMs = std::stod(
      connection_.exec("SELECT setting FROM pg_settings WHERE name = 'lock_timeout'").value(0, 0));
  const auto start = std::chrono::steady_clock::now();
  auto pause = std::chrono::milliseconds(5);
  for (;;) {
    std::this_thread::sleep_for(pause);
    if (connection_.exec(tryLock).value(0, 0) == "t") break;
    if (timeoutMs > 0 && millisecondsSince(start) >= timeoutMs) {
      std::string message = "canceling the wait for the migration lock on " +
                            versionTable_.name().qualified() + " due to lock timeout (" +
                            formatMs(timeoutMs) + "): another migration run holds it";
      throw DatabaseError(message, {"55P03", message, "", "", std::nullopt, false});
    }
    pause = std::min(pause * 2, std::chrono::milliseconds(250));
  }
  Log::info(kLogger, "Lock acquired after " + formatMs(millisecondsSince(start)) + ".");
}

void Migrator::refuseTransactionControl(const MigrationStep& step) const {
  if (step.kind == MigrationStep::Kind::Stamp) return;
  const Script& script = graph_.script(step.revision);
  if (!script.transactional) return;
  const SqlSection& section = sectionFor(graph_, step);
  // Statement by statement: a section of a million statements never has all its trees at once.
  // A syntax error is left for the server to report with its own message.
  sql::visitParsedStatements(
      section.sql, section.firstLine, [&](const sql::ParsedStatement& statement) {
        if (statement.kind != "TransactionStmt") return;
        const std::string kind = statement.node.value("kind", "");
        // Savepoints nest inside the step's transaction; these end or escape it.
        static const std::vector<std::pair<std::string, std::string>> kRefused = {
            {"TRANS_STMT_BEGIN", "BEGIN"},
            {"TRANS_STMT_START", "START TRANSACTION"},
            {"TRANS_STMT_COMMIT", "COMMIT"},
            {"TRANS_STMT_ROLLBACK", "ROLLBACK"},
            {"TRANS_STMT_PREPARE", "PREPARE TRANSACTION"},
            {"TRANS_STMT_COMMIT_PREPARED", "COMMIT PREPARED"},
            {"TRANS_STMT_ROLLBACK_PREPARED", "ROLLBACK PREPARED"}};
        for (const auto& [node, text] : kRefused) {
          if (kind != node) continue;
          throw ScriptError(script.path.string(), statement.firstLine,
                            text +
                                " in a transactional step: the step runs in one transaction that "
                                "Retort commits together with the version change, so " +
                                text +
                                " would split it. Remove it, or mark the script "
                                "'-- transactional: false'");
        }
      });
}

void Migrator::refuseWhileInterrupted() {
  std::optional<HistoryTable::InterruptedStep> interrupted;
  try {
    interrupted = historyTable_.interruptedStep();
  } catch (const DatabaseError& e) {
    // No history table, or one without progress columns: a read-only view of an old database.
    if (e.sqlstate() != "42P01" && e.sqlstate() != "42703") throw;
  }
  if (interrupted) throw CommandError(interruptedStepMessage(graph_, *interrupted));
}

std::vector<std::string> Migrator::currentRows() {
  std::vector<std::string> rows;
  try {
    rows = versionTable_.rows();
  } catch (const DatabaseError& e) {
    if (e.sqlstate() != "42P01") throw;  // undefined_table: nothing applied yet
    return {};
  }
  auto rank = [&](const std::string& id) {
    RevisionIndex i = graph_.find(id);
    return i < 0 ? static_cast<RevisionIndex>(graph_.size()) : i;
  };
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  return rows;
}

void Migrator::purge() {
  connection_.exec("DELETE FROM " + versionTable_.name().qualified());
}

std::vector<std::string> Migrator::run(const std::vector<MigrationStep>& steps,
                                       std::vector<std::string> rows) {
  for (const MigrationStep& step : steps) {
    if (step.kind == MigrationStep::Kind::Downgrade && !graph_.script(step.revision).downgrade) {
      const Script& s = graph_.script(step.revision);
      throw ScriptError(s.path.string(), 0,
                        "revision " + s.revision +
                            " has no '-- migrate:downgrade' section, so it cannot be downgraded");
    }
    refuseTransactionControl(step);
  }
  const bool runsScripts = std::any_of(steps.begin(), steps.end(), [](const MigrationStep& s) {
    return s.kind != MigrationStep::Kind::Stamp;
  });
  if (runsScripts) refuseWhileInterrupted();
  // Kept for the migrator's life: the Alembic executor calls run() once a step.
  if (options_.lockRetries > 0 && options_.connectWatcher && !steps.empty() && !watch_) {
    const int pid = std::stoi(connection_.exec("SELECT pg_backend_pid()").value(0, 0));
    // Well inside any useful lock_timeout, so a wait is seen before the timeout ends it.
    watch_ =
        std::make_unique<BlockerWatch>(options_.connectWatcher, pid, std::chrono::milliseconds(50));
  }
  VersionHeads heads(graph_, std::move(rows));
  try {
    for (const MigrationStep& step : steps) {
      std::vector<VersionChange> changes = heads.advance(step);
      runStep(step, changes);
    }
  } catch (...) {
    // A step refused before it reached the server leaves the checked one before it uncommitted.
    try {
      commitPendingStep(true);
    } catch (const std::exception& e) {
      Log::warning(kLogger,
                   std::string("could not commit the step before the failure: ") + e.what());
    }
    throw;
  }
  // The run's last commit is synchronous: a finished run is durable.
  commitPendingStep(true);
  return heads.rows();
}

void Migrator::commitPendingStep(bool synchronous) {
  if (!pendingCommit_) return;
  const PendingCommit pending = std::move(*pendingCommit_);
  pendingCommit_.reset();
  try {
    connection_.execBatch(pending.recordSql + ";\n" +
                          (synchronous ? "SET LOCAL synchronous_commit = on;\n" : "") + "COMMIT");
  } catch (const std::exception& error) {
    fail(*pending.step, error, pending.elapsedMs, {});
  }
}

long Migrator::runStatementsOneByOne(const MigrationStep& step, const std::string& versionSql,
                                     std::chrono::steady_clock::time_point start) {
  const Script& script = graph_.script(step.revision);
  std::vector<Statement> statements =
      splitStatements(sectionFor(graph_, step), script.path.string());
  const long id = historyTable_.startStep(historyRecordFor(graph_, step, 0), versionSql);
  int done = 0;
  for (const Statement& statement : statements) {
    try {
      // Statements such as CREATE INDEX CONCURRENTLY refuse to run inside a transaction.
      addRows(stepRows_, connection_.exec(statement.sql));
    } catch (const DatabaseError& e) {
      const double elapsedMs = millisecondsSince(start);
      MigrationFailed failure(e.what(), script.path.string(), statement.line);
      bool abandoned = false;
      try {
        if (done == 0) {
          historyTable_.abandonStep(id, e.what(), elapsedMs);
          abandoned = true;
        } else {
          historyTable_.keepStepInterrupted(id, e.what());
        }
      } catch (const std::exception& recordError) {
        Log::warning(kLogger, std::string("could not record the failure in the history table: ") +
                                  recordError.what());
      }
      // Unless abandoned, the step stays marked started (a lost connection cannot clear it),
      // and the next run will refuse until `retort resolve`: say so now.
      if (abandoned) throw failure;
      HistoryTable::InterruptedStep interrupted{id, graph_.id(step.revision),
                                                historyRecordFor(graph_, step, 0).operation, done,
                                                e.what()};
      throw MigrationFailed(interruptedStepMessage(graph_, interrupted), script.path.string(),
                            statement.line);
    }
    historyTable_.recordStatementsDone(id, ++done);
  }
  return id;
}

void Migrator::runStep(const MigrationStep& step, const std::vector<VersionChange>& changes) {
  Log::info(kLogger, "Running " + step.longLog(graph_));
  auto start = std::chrono::steady_clock::now();
  std::string versionSql;
  for (const VersionChange& change : changes)
    versionSql += versionChangeSql(versionTable_.name(), change) + ";\n";
  const bool isScript = step.kind != MigrationStep::Kind::Stamp;
  const bool transactional = !isScript || graph_.script(step.revision).transactional;

  // A non-transactional step's statements commit one by one: the previous step first.
  if (isScript && !transactional) commitPendingStep(false);
  bool previousStepFailed = false;
  for (int tries = 1;; ++tries) {
    BatchLayout batch;
    std::optional<long> progressId;
    stepRows_.reset();
    if (watch_) watch_->forget();
    try {
      if (isScript && !transactional) {
        progressId = runStatementsOneByOne(step, versionSql, start);
      }
      // The previous step's commit rides at the head of this batch (see pendingCommit_).
      if (pendingCommit_) {
        batch.sql = pendingCommit_->recordSql + ";\nCOMMIT;\n";
        batch.statementsBefore = kPendingCommitStatements;
      }
      batch.sql += kBegin;
      batch.statementsBefore += 1;
      batch.scriptBegin = batch.scriptEnd = batch.sql.size();
      if (isScript && transactional) {
        batch.sql += sectionFor(graph_, step).sql;
        batch.scriptEnd = batch.sql.size();
        batch.sql += "\n;\n";
      }
      batch.sql += versionSql;
      std::vector<Result> results;
      try {
        results = connection_.execBatch(batch.sql);
      } catch (const DatabaseError& error) {
        auto* statementError = dynamic_cast<const StatementError*>(&error);
        if (pendingCommit_ &&
            (!statementError || statementError->statementIndex() < kPendingCommitStatements)) {
          // The previous step's own commit failed (a deferred constraint, a lost session) or
          // was never sent: the server ran nothing of this step.
          const PendingCommit pending = std::move(*pendingCommit_);
          pendingCommit_.reset();
          previousStepFailed = true;
          fail(*pending.step, error, pending.elapsedMs, {});
        }
        pendingCommit_.reset();
        throw;
      }
      pendingCommit_.reset();
      for (size_t k = batch.statementsBefore; k + changes.size() < results.size(); ++k)
        addRows(stepRows_, results[k]);
      for (size_t k = 0; k < changes.size(); ++k) {
        versionTable_.checkAffected(changes[k],
                                    results[results.size() - changes.size() + k].affectedRows());
      }
      if (progressId) {
        connection_.execBatch(historyTable_.finishStepSql(*progressId, millisecondsSince(start)) +
                              ";\nSET LOCAL synchronous_commit = on;\nCOMMIT");
      } else {
        const double elapsedMs = millisecondsSince(start);
        pendingCommit_ = PendingCommit{
            historyTable_.insertSql(historyRecordFor(graph_, step, elapsedMs)), &step, elapsedMs};
      }
    } catch (const MigrationFailed& error) {
      if (previousStepFailed) throw;
      // Only the statement-by-statement path throws this, after recording the failure itself.
      if (connection_.inTransaction()) connection_.exec("ROLLBACK");
      throw MigrationFailed(step.shortLog(graph_) + " failed at " + error.file() +
                                (error.line() > 0 ? ":" + std::to_string(error.line()) : "") +
                                ": " + error.what(),
                            error.file(), error.line());
    } catch (const std::exception& error) {
      if (progressId) {
        // The statements committed but the version change did not: the mark stays for a human.
        if (connection_.inTransaction()) connection_.exec("ROLLBACK");
        try {
          historyTable_.keepStepInterrupted(*progressId, error.what());
        } catch (const std::exception&) {
        }
        // A lost connection must not read as transient: the committed statements stay, and
        // the next run refuses until `retort resolve`.
        if (auto* db = dynamic_cast<const DatabaseError*>(&error); db && db->connectionLost()) {
          const Script& script = graph_.script(step.revision);
          const int statements = static_cast<int>(
              splitStatements(sectionFor(graph_, step), script.path.string()).size());
          HistoryTable::InterruptedStep interrupted{*progressId, graph_.id(step.revision),
                                                    historyRecordFor(graph_, step, 0).operation,
                                                    statements, error.what()};
          throw MigrationFailed(interruptedStepMessage(graph_, interrupted), script.path.string(),
                                0);
        }
        throw;
      }
      std::string note;
      auto* db = dynamic_cast<const DatabaseError*>(&error);
      // 55P03 alone: a deadlock or serialization failure is a conflict of this very step, that
      // waiting a moment in this session does not resolve, and the operator retries the run.
      // Without a lock budget the failure reads as it always has (Alembic's commands).
      if (options_.lockRetries > 0 && db && db->sqlstate() == "55P03" && !db->connectionLost() &&
          connection_.isOpen()) {
        const std::string blockers =
            describeBlockers(watch_ ? watch_->lastSeen() : std::vector<LockBlocker>{});
        if (tries <= options_.lockRetries) {
          if (connection_.inTransaction()) connection_.exec("ROLLBACK");
          std::uniform_real_distribution<double> jitter(-1.0, 1.0);
          const std::chrono::milliseconds delay = lockRetryDelay(tries, jitter(jitter_));
          char seconds[32];
          std::snprintf(seconds, sizeof seconds, "%.1f",
                        static_cast<double>(delay.count()) / 1000.0);
          Log::warning(kLogger, "lock timeout on step " + stepName(step) + ", try " +
                                    std::to_string(tries) + " of " +
                                    std::to_string(options_.lockRetries + 1) + "; blocked by " +
                                    blockers + "; retrying in " + seconds + " s");
          ++lockRetriesMade_;
          if (options_.sleep) {
            options_.sleep(delay);
          } else {
            std::this_thread::sleep_for(delay);
          }
          continue;
        }
        note = "; lock timeout on step " + stepName(step) + " after " + std::to_string(tries) +
               " tr" + (tries == 1 ? "y" : "ies") + ", blocked by " + blockers;
      }
      fail(step, error, millisecondsSince(start), batch, note);
    }
    break;
  }
  Log::info(kLogger, "Done " + step.shortLog(graph_) + " in " + formatMs(millisecondsSince(start)));
  if (options_.onStepRan) options_.onStepRan(step, stepRows_);
}

std::string Migrator::stepName(const MigrationStep& step) const {
  if (step.kind == MigrationStep::Kind::Stamp) {
    std::string to;
    for (const std::string& id : step.toRevisions(graph_)) to += (to.empty() ? "" : ",") + id;
    return "stamp to " + (to.empty() ? std::string("base") : to);
  }
  return graph_.id(step.revision) + " (" + graph_.script(step.revision).path.string() + ")";
}

void Migrator::fail(const MigrationStep& step, const std::exception& error, double elapsedMs,
                    const BatchLayout& batch, const std::string& note) {
  auto* db = dynamic_cast<const DatabaseError*>(&error);
  // Nothing can be rolled back or recorded over a lost session; the server rolled it back.
  const bool lost = (db && db->connectionLost()) || !connection_.isOpen();
  if (!lost && connection_.inTransaction()) connection_.exec("ROLLBACK");
  std::string file;
  int line = 0;
  std::string message = error.what() + note;
  if (auto* failed = dynamic_cast<const MigrationFailed*>(&error)) {
    file = failed->file();
    line = failed->line();
  } else if (step.kind != MigrationStep::Kind::Stamp) {
    const Script& script = graph_.script(step.revision);
    const SqlSection& section = sectionFor(graph_, step);
    file = script.path.string();
    auto* statementError = dynamic_cast<const StatementError*>(&error);
    if (statementError && batch.scriptEnd > batch.scriptBegin) {
      if (statementError->details().position) {
        size_t offset = sql::byteOffsetOfCharacter(batch.sql, *statementError->details().position);
        if (offset >= batch.scriptBegin && offset < batch.scriptEnd)
          line = lineAt(section.sql, offset - batch.scriptBegin, section.firstLine);
      }
      if (line == 0 && statementError->statementIndex() >= batch.statementsBefore) {
        std::vector<Statement> statements = splitStatements(section, file);
        size_t index = statementError->statementIndex() - batch.statementsBefore;
        if (index < statements.size()) line = statements[index].line;
      }
    }
  }
  try {
    if (!lost) recordFailure(step, message, elapsedMs);
  } catch (const std::exception& e) {
    Log::warning(kLogger,
                 std::string("could not record the failure in the history table: ") + e.what());
  }
  std::string where =
      file.empty() ? "" : file + (line > 0 ? ":" + std::to_string(line) : "") + ": ";
  std::string sqlstate;
  if (db) sqlstate = db->sqlstate();
  if (auto* failed = dynamic_cast<const MigrationFailed*>(&error)) sqlstate = failed->sqlstate();
  // A `transactional: false` step may have committed statements before its session ended.
  const bool rolledBack =
      step.kind == MigrationStep::Kind::Stamp || graph_.script(step.revision).transactional;
  throw MigrationFailed(step.shortLog(graph_) + " failed at " + where + message, file, line,
                        sqlstate, lost && rolledBack);
}

void Migrator::recordFailure(const MigrationStep& step, const std::string& message,
                             double elapsedMs) {
  HistoryRecord record = historyRecordFor(graph_, step, elapsedMs);
  record.success = false;
  record.error = message;
  connection_.execBatch("BEGIN;\n" + historyTable_.insertSql(record) +
                        ";\nSET LOCAL synchronous_commit = on;\nCOMMIT");
}

}  // namespace retort::engine
