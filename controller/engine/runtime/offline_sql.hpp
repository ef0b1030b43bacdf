// Offline mode (`--sql`): renders a run as one SQL script instead of executing it, in
// Alembic's layout — BEGIN; ... COMMIT; around the run, a `-- Running upgrade a -> b`
// comment before each step, every statement followed by a blank line, and the version
// table's CREATE only when the run starts from no rows. `transactional: false` steps are
// bracketed by COMMIT; and BEGIN; as Alembic's autocommit_block does.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "engine/revision/migration_step.hpp"
#include "engine/runtime/version_table.hpp"

namespace retort::engine {

// Writes the script to `out` as it goes: a step's statements are never gathered in memory.
void writeOfflineSql(std::ostream& out, const RevisionGraph& graph,
                     const std::vector<MigrationStep>& steps, std::vector<std::string> startingRows,
                     const VersionTableName& table);

// The same script as one string, for small runs and tests.
std::string renderOfflineSql(const RevisionGraph& graph, const std::vector<MigrationStep>& steps,
                             std::vector<std::string> startingRows, const VersionTableName& table);

}  // namespace retort::engine
