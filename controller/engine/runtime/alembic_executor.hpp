// Executes an unconverted Alembic project's steps with the project's own Alembic, for
// `retort run --executor alembic`. Two helpers shipped with Retort do the Python side, run as
// child processes of `python` (no shell; the database URL reaches them only through the
// DATABASE_URL environment variable, never a command line): `alembic_offline_sql.py` renders
// the SQL of every step offline (for lint), and `alembic_run_step.py` runs exactly one planned
// step online, in Alembic's transaction, which also moves the version table. Retort itself
// plans, applies policy, backs up, records history and reports. Helper output that reaches a
// message has every spelling of the password masked.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/revision/migration_step.hpp"
#include "engine/runtime/migrator.hpp"
#include "engine/script/alembic_run.hpp"
#include "engine/script/script.hpp"

namespace retort::engine {

struct AlembicExecutor {
  std::string python = "python3";
  std::filesystem::path helperDirectory;   // holds alembic_offline_sql.py, alembic_run_step.py
  std::filesystem::path ini;               // the project's alembic.ini, absolute
  std::filesystem::path workingDirectory;  // where Alembic resolves the ini's relative paths
  std::string databaseUrl;
};

// Throws CommandError unless `python` runs and imports Alembic (checked before anything is
// backed up or migrated).
void checkAlembicAvailable(const AlembicExecutor& executor);

// Every step's SQL in `direction` ("upgrade": base to heads, "downgrade": heads to base), as
// Alembic's offline mode renders it through the project's env.py. Throws CommandError when
// the rendering as a whole fails (env.py does not support offline mode, an import fails).
RenderedSteps renderAlembicOffline(const AlembicExecutor& executor, const std::string& direction);

// Runs `script`'s upgrade (or downgrade) online. Throws MigrationFailed naming the script, the
// line in it and the SQLSTATE when the step fails (its transaction rolled back).
void runAlembicStep(const AlembicExecutor& executor, const Script& script, bool upgrade);

// Runs `steps` from `rows` after `migrator.begin(true)`: each Alembic .py step through
// runAlembicStep(), stamps and .sql steps through `migrator`, one history row per step
// (success or failure) on `connection`, which holds no transaction while Alembic runs.
// Returns the version rows afterwards; rethrows MigrationFailed after recording it.
std::vector<std::string> runStepsWithAlembic(const AlembicExecutor& executor, Migrator& migrator,
                                             Connection& connection, const RevisionGraph& graph,
                                             const std::vector<MigrationStep>& steps,
                                             std::vector<std::string> rows);

}  // namespace retort::engine
