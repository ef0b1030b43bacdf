// Offline mode (`--sql`): renders a run as one SQL script instead of executing it, in
// Alembic's layout — BEGIN; ... COMMIT; around the run, a `-- Running upgrade a -> b`
// comment before each step, every statement followed by a blank line, and the version
// table's CREATE only when the run starts from no rows. `transactional: false` steps are
// bracketed by COMMIT; and BEGIN; as Alembic's autocommit_block does.
#pragma once

#include <string>
#include <vector>

#include "engine/revision/migration_step.hpp"
#include "engine/runtime/version_table.hpp"

namespace retort::engine {

std::string renderOfflineSql(const RevisionGraph& graph, const std::vector<MigrationStep>& steps,
                             std::vector<std::string> startingRows, const VersionTableName& table);

}  // namespace retort::engine
