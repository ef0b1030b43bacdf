#include "engine/runtime/history_table.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>

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

}  // namespace retort::engine
