// The shared path of upgrade and downgrade: resolve the target against the database's rows
// (or, with --sql, against the range's start), build the steps, then run them or print them.
#pragma once

#include <string>
#include <vector>

#include "cli/command.hpp"
#include "engine/revision/migration_step.hpp"
#include "engine/revision/revision_resolver.hpp"

namespace retort::cli {

enum class Direction { Upgrade, Downgrade };

// Steps that move `rows` to `target` (Alembic's _upgrade_revs / _downgrade_revs), with
// revision errors already turned into Alembic's command errors.
std::vector<engine::MigrationStep> planSteps(const engine::RevisionResolver& resolver,
                                             Direction direction,
                                             const std::vector<std::string>& rows,
                                             const std::string& target);

void runMigration(const GlobalOptions& options, Direction direction, const std::string& target,
                  bool sql);

// The rows an offline run starts from: those `start` names (`base` or empty: none).
std::vector<std::string> offlineStartingRows(const engine::RevisionResolver& resolver,
                                             const std::string& start);

}  // namespace retort::cli
