#include "engine/runtime/history_table.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>

#include "engine/script/script_directory.hpp"
#include "engine/util/text.hpp"

namespace retort::engine {

namespace {

std::string clientIdentity() {
  char host[256] = "unknown";
  ::gethostname(host, sizeof host - 1);
  const passwd* account = ::getpwuid(::geteuid());
  const char* user = account ? account->pw_name : std::getenv("USER");
  return std::string(user ? user : "unknown") + "@" + host;
}

}  // namespace

HistoryRecord historyRecordFor(const RevisionGraph& graph, const MigrationStep& step,
                               double elapsedMs) {
  HistoryRecord record;
  record.operation = step.kind == MigrationStep::Kind::Upgrade     ? "upgrade"
                     : step.kind == MigrationStep::Kind::Downgrade ? "downgrade"
                                                                   : "stamp";
  record.fromRevisions = join(step.fromRevisions(graph));
  record.toRevisions = join(step.toRevisions(graph));
  if (step.kind == MigrationStep::Kind::Stamp) {
    record.revision = !step.to.empty()    ? step.to.front()
                      : step.from.empty() ? ""
                                          : step.from.front();
  } else {
    record.revision = graph.id(step.revision);
    record.checksum = scriptChecksum(graph.script(step.revision).content);
  }
  record.durationMs = elapsedMs;
  return record;
}

double millisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

void HistoryTable::create() {
  connection_.exec(
      "CREATE TABLE IF NOT EXISTS " + name_.qualified() +
      " (\n"
      "    id BIGSERIAL PRIMARY KEY,\n"
      "    revision VARCHAR(255) NOT NULL,\n"
      "    operation VARCHAR(16) NOT NULL CHECK (operation IN ('upgrade', 'downgrade', 'stamp')),\n"
      "    from_revisions TEXT NOT NULL,\n"
      "    to_revisions TEXT NOT NULL,\n"
      "    checksum VARCHAR(64),\n"
      "    installed_by TEXT NOT NULL DEFAULT current_user,\n"
      "    client TEXT,\n"
      "    started_at TIMESTAMPTZ NOT NULL,\n"
      "    duration_ms DOUBLE PRECISION NOT NULL,\n"
      "    success BOOLEAN NOT NULL,\n"
      "    error TEXT,\n"
      "    engine_version TEXT NOT NULL,\n"
      "    run_id TEXT\n"
      ")");
  // Tables made before the run id existed get the column (Alembic ignores this table).
  connection_.exec("ALTER TABLE " + name_.qualified() + " ADD COLUMN IF NOT EXISTS run_id TEXT");
}

bool HistoryTable::exists() {
  return connection_.exec("SELECT to_regclass($1) IS NOT NULL", {name_.qualified()}).value(0, 0) ==
         "t";
}

std::string HistoryTable::insertSql(const HistoryRecord& r) const {
  char duration[64];
  std::snprintf(duration, sizeof duration, "%.3f", r.durationMs);
  return "INSERT INTO " + name_.qualified() +
         " (revision, operation, from_revisions, to_revisions, checksum, client, started_at, "
         "duration_ms, success, error, engine_version, run_id) VALUES (" +
         sqlLiteral(r.revision) + ", " + sqlLiteral(r.operation) + ", " +
         sqlLiteral(r.fromRevisions) + ", " + sqlLiteral(r.toRevisions) + ", " +
         (r.checksum.empty() ? "NULL" : sqlLiteral(r.checksum)) + ", " +
         sqlLiteral(clientIdentity()) + ", clock_timestamp() - interval '" + duration +
         " milliseconds', " + duration + ", " + (r.success ? "true" : "false") + ", " +
         (r.error.empty() ? "NULL" : sqlLiteral(r.error)) + ", " +
         sqlLiteral(std::string("retort ") + RETORT_VERSION) + ", " +
         (runId_.empty() ? "NULL" : sqlLiteral(runId_)) + ")";
}

std::vector<HistoryTable::AppliedChecksum> HistoryTable::lastUpgradeChecksums() {
  std::vector<AppliedChecksum> out;
  if (!exists()) return out;
  Result r =
      connection_.exec("SELECT DISTINCT ON (revision) revision, checksum, started_at::text FROM " +
                       name_.qualified() +
                       " WHERE operation = 'upgrade' AND success AND checksum IS NOT NULL"
                       " ORDER BY revision, id DESC");
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.value(i, 0), r.value(i, 1), r.value(i, 2)});
  return out;
}

void HistoryTable::addProgressColumns() {
  const std::string table = name_.qualified();
  if (connection_
          .exec("SELECT count(*) FROM pg_attribute WHERE attrelid = $1::regclass AND attname IN "
                "('in_progress', 'statements_done', 'pending_version_sql') AND NOT attisdropped",
                {table})
          .value(0, 0) == "3")
    return;  // skips the ACCESS EXCLUSIVE lock ALTER TABLE takes, on every run but the first
  connection_.exec("ALTER TABLE " + table +
                   " ADD COLUMN IF NOT EXISTS in_progress BOOLEAN NOT NULL DEFAULT false,"
                   " ADD COLUMN IF NOT EXISTS statements_done INTEGER,"
                   " ADD COLUMN IF NOT EXISTS pending_version_sql TEXT");
}

long HistoryTable::startStep(const HistoryRecord& record, const std::string& pendingVersionSql) {
  HistoryRecord started = record;
  started.success = false;
  std::vector<Result> results = connection_.execBatch(
      "BEGIN;\n" + insertSql(started) + ";\nUPDATE " + name_.qualified() +
      " SET in_progress = true, statements_done = 0, pending_version_sql = " +
      sqlLiteral(pendingVersionSql) +
      " WHERE id = lastval();\nSELECT lastval();\nSET LOCAL synchronous_commit = on;\nCOMMIT");
  return std::stol(results[3].value(0, 0));
}

void HistoryTable::recordStatementsDone(long id, int statementsDone) {
  connection_.execBatch("BEGIN;\nUPDATE " + name_.qualified() + " SET statements_done = " +
                        std::to_string(statementsDone) + " WHERE id = " + std::to_string(id) +
                        ";\nSET LOCAL synchronous_commit = on;\nCOMMIT");
}

std::string HistoryTable::finishStepSql(long id, double durationMs) const {
  char duration[64];
  std::snprintf(duration, sizeof duration, "%.3f", durationMs);
  return "UPDATE " + name_.qualified() +
         " SET in_progress = false, success = true, pending_version_sql = NULL, duration_ms = " +
         duration + " WHERE id = " + std::to_string(id);
}

void HistoryTable::abandonStep(long id, const std::string& error, double durationMs) {
  char duration[64];
  std::snprintf(duration, sizeof duration, "%.3f", durationMs);
  connection_.execBatch(
      "BEGIN;\nUPDATE " + name_.qualified() +
      " SET in_progress = false, pending_version_sql = NULL, error = " + sqlLiteral(error) +
      ", duration_ms = " + duration + " WHERE id = " + std::to_string(id) +
      ";\nSET LOCAL synchronous_commit = on;\nCOMMIT");
}

void HistoryTable::keepStepInterrupted(long id, const std::string& error) {
  connection_.execBatch("BEGIN;\nUPDATE " + name_.qualified() +
                        " SET error = " + sqlLiteral(error) + " WHERE id = " + std::to_string(id) +
                        ";\nSET LOCAL synchronous_commit = on;\nCOMMIT");
}

std::optional<HistoryTable::InterruptedStep> HistoryTable::interruptedStep() {
  Result r = connection_.exec(
      "SELECT id, revision, operation, coalesce(statements_done, 0), coalesce(error, '') FROM " +
      name_.qualified() + " WHERE in_progress ORDER BY id LIMIT 1");
  if (r.rows() == 0) return std::nullopt;
  return InterruptedStep{std::stol(r.value(0, 0)), r.value(0, 1), r.value(0, 2),
                         std::stoi(r.value(0, 3)), r.value(0, 4)};
}

void HistoryTable::resolveStep(const InterruptedStep& step, bool applied) {
  const std::string table = name_.qualified(), id = std::to_string(step.id);
  std::string sql = "BEGIN;\n";
  if (applied) {
    Result pending = connection_.exec("SELECT coalesce(pending_version_sql, '') FROM " + table +
                                      " WHERE id = " + id);
    sql += pending.value(0, 0) + "UPDATE " + table +
           " SET in_progress = false, success = true, pending_version_sql = NULL, error = "
           "nullif(concat_ws('; ', error, 'resolved as applied by ' || current_user), '') "
           "WHERE id = " +
           id + ";\n";
  } else {
    sql += "UPDATE " + table +
           " SET in_progress = false, success = false, pending_version_sql = NULL, error = "
           "concat_ws('; ', error, 'resolved as not applied by ' || current_user) WHERE id = " +
           id + ";\n";
  }
  connection_.execBatch(sql + "SET LOCAL synchronous_commit = on;\nCOMMIT");
}

}  // namespace retort::engine
