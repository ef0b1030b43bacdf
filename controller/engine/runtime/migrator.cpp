#include "engine/runtime/migrator.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "engine/script/script_directory.hpp"
#include "engine/sql/statement_splitter.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/log.hpp"

namespace retort::engine {

namespace {

constexpr const char* kLogger = "retort.runtime.migration";
constexpr std::string_view kBegin = "BEGIN;\n";

double millisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

std::string formatMs(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, ms < 10 ? "%.2f ms" : "%.0f ms", ms);
  return buffer;
}

const SqlSection& sectionFor(const RevisionGraph& graph, const MigrationStep& step) {
  const Script& script = graph.script(step.revision);
  if (step.kind == MigrationStep::Kind::Upgrade) return script.upgrade;
  return *script.downgrade;
}

// Byte offset of the `position`-th character (1-based) of UTF-8 `text`.
size_t byteOffsetOfCharacter(const std::string& text, int position) {
  size_t offset = 0;
  for (int seen = 1; offset < text.size() && seen < position; ++seen) {
    unsigned char c = static_cast<unsigned char>(text[offset]);
    offset += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  }
  return offset;
}

}  // namespace

Migrator::Migrator(Connection& connection, const RevisionGraph& graph, VersionTableName name,
                   RunOptions options)
    : connection_(connection),
      graph_(graph),
      versionTable_(connection, name),
      historyTable_(connection, name.history()),
      options_(std::move(options)) {}

void Migrator::begin(bool mutating) {
  if (!options_.lockTimeout.empty()) {
    connection_.exec("SET lock_timeout = " + connection_.quoteLiteral(options_.lockTimeout));
  }
  if (!options_.statementTimeout.empty()) {
    connection_.exec("SET statement_timeout = " +
                     connection_.quoteLiteral(options_.statementTimeout));
  }
  if (!mutating) return;
  const std::string key = "retort:" + versionTable_.name().qualified();
  std::string lockKey = "hashtextextended(" + connection_.quoteLiteral(key) + ", 0)";
  if (connection_.exec("SELECT pg_try_advisory_lock(" + lockKey + ")").value(0, 0) != "t") {
    Log::info(kLogger, "Waiting for another migration run to release its lock on " +
                           versionTable_.name().qualified() + " ...");
    auto start = std::chrono::steady_clock::now();
    connection_.exec("SELECT pg_advisory_lock(" + lockKey + ")");
    Log::info(kLogger, "Lock acquired after " + formatMs(millisecondsSince(start)) + ".");
  }
  connection_.exec("SET synchronous_commit = off");
  versionTable_.create();
  historyTable_.create();
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

HistoryRecord Migrator::recordFor(const MigrationStep& step, double elapsedMs) const {
  HistoryRecord record;
  record.operation = step.kind == MigrationStep::Kind::Upgrade     ? "upgrade"
                     : step.kind == MigrationStep::Kind::Downgrade ? "downgrade"
                                                                   : "stamp";
  record.fromRevisions = joinComma(step.fromRevisions(graph_));
  record.toRevisions = joinComma(step.toRevisions(graph_));
  if (step.kind == MigrationStep::Kind::Stamp) {
    record.revision = !step.to.empty()    ? step.to.front()
                      : step.from.empty() ? ""
                                          : step.from.front();
  } else {
    record.revision = graph_.id(step.revision);
    record.checksum = scriptChecksum(graph_.script(step.revision).content);
  }
  record.durationMs = elapsedMs;
  return record;
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
  }
  VersionHeads heads(graph_, std::move(rows));
  for (size_t i = 0; i < steps.size(); ++i) {
    std::vector<VersionChange> changes = heads.advance(steps[i]);
    runStep(steps[i], changes, i + 1 == steps.size());
  }
  return heads.rows();
}

void Migrator::runStep(const MigrationStep& step, const std::vector<VersionChange>& changes,
                       bool last) {
  Log::info(kLogger, "Running " + step.longLog(graph_));
  auto start = std::chrono::steady_clock::now();
  std::string versionSql;
  for (const VersionChange& change : changes)
    versionSql += versionChangeSql(versionTable_.name(), change) + ";\n";
  const bool isScript = step.kind != MigrationStep::Kind::Stamp;
  const bool transactional = !isScript || graph_.script(step.revision).transactional;

  std::string prefix;
  try {
    if (isScript && !transactional) {
      // Statements such as CREATE INDEX CONCURRENTLY refuse to run inside a transaction.
      const SqlSection& section = sectionFor(graph_, step);
      for (const Statement& statement :
           splitStatements(section, graph_.script(step.revision).path.string())) {
        try {
          connection_.exec(statement.sql);
        } catch (const DatabaseError& e) {
          throw MigrationFailed(e.what(), graph_.script(step.revision).path.string(),
                                statement.line);
        }
      }
    }
    prefix = std::string(kBegin);
    if (isScript && transactional) prefix += sectionFor(graph_, step).sql + "\n;\n";
    std::vector<Result> results = connection_.execBatch(prefix + versionSql);
    for (size_t k = 0; k < changes.size(); ++k) {
      versionTable_.checkAffected(changes[k],
                                  results[results.size() - changes.size() + k].affectedRows());
    }
    HistoryRecord record = recordFor(step, millisecondsSince(start));
    connection_.execBatch(historyTable_.insertSql(record) + ";\n" +
                          (last ? "SET LOCAL synchronous_commit = on;\n" : "") + "COMMIT");
  } catch (const std::exception& error) {
    fail(step, error, millisecondsSince(start), prefix);
  }
  Log::info(kLogger, "Done " + step.shortLog(graph_) + " in " + formatMs(millisecondsSince(start)));
}

void Migrator::fail(const MigrationStep& step, const std::exception& error, double elapsedMs,
                    const std::string& batchPrefix) {
  if (connection_.inTransaction()) connection_.exec("ROLLBACK");
  std::string file;
  int line = 0;
  std::string message = error.what();
  if (auto* failed = dynamic_cast<const MigrationFailed*>(&error)) {
    file = failed->file();
    line = failed->line();
  } else if (step.kind != MigrationStep::Kind::Stamp) {
    const Script& script = graph_.script(step.revision);
    const SqlSection& section = sectionFor(graph_, step);
    file = script.path.string();
    if (auto* statementError = dynamic_cast<const StatementError*>(&error)) {
      const size_t scriptBegin = kBegin.size(), scriptEnd = scriptBegin + section.sql.size();
      if (statementError->details().position) {
        size_t offset = byteOffsetOfCharacter(batchPrefix, *statementError->details().position);
        if (offset >= scriptBegin && offset < scriptEnd)
          line = lineAt(section.sql, offset - scriptBegin, section.firstLine);
      }
      if (line == 0 && statementError->statementIndex() > 0) {
        std::vector<Statement> statements = splitStatements(section, file);
        size_t index = statementError->statementIndex() - 1;
        if (index < statements.size()) line = statements[index].line;
      }
    }
  }
  try {
    recordFailure(step, message, elapsedMs);
  } catch (const std::exception& e) {
    Log::warning(kLogger,
                 std::string("could not record the failure in the history table: ") + e.what());
  }
  std::string where =
      file.empty() ? "" : file + (line > 0 ? ":" + std::to_string(line) : "") + ": ";
  std::string sqlstate;
  if (auto* db = dynamic_cast<const DatabaseError*>(&error)) sqlstate = db->sqlstate();
  if (auto* failed = dynamic_cast<const MigrationFailed*>(&error)) sqlstate = failed->sqlstate();
  throw MigrationFailed(step.shortLog(graph_) + " failed at " + where + message, file, line,
                        sqlstate);
}

void Migrator::recordFailure(const MigrationStep& step, const std::string& message,
                             double elapsedMs) {
  HistoryRecord record = recordFor(step, elapsedMs);
  record.success = false;
  record.error = message;
  connection_.execBatch("BEGIN;\n" + historyTable_.insertSql(record) +
                        ";\nSET LOCAL synchronous_commit = on;\nCOMMIT");
}

}  // namespace retort::engine
