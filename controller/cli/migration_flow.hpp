// The shared path of upgrade and downgrade: resolve the target against the database's rows
// (or, with --sql, against the range's start), build the steps, then run them or print them.
#pragma once

#include <string>
#include <vector>

#include "cli/command.hpp"
#include "engine/revision/plan.hpp"
#include "engine/revision/revision_resolver.hpp"

namespace retort::cli {

using Direction = engine::Direction;

void runMigration(const GlobalOptions& options, Direction direction, const std::string& target,
                  bool sql);

// The rows an offline run starts from: those `start` names (`base` or empty: none).
std::vector<std::string> offlineStartingRows(const engine::RevisionResolver& resolver,
                                             const std::string& start);

}  // namespace retort::cli
