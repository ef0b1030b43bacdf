// What `stamp` does to the version table without running scripts: for each destination,
// nothing (already there), one step up or down its lineage, a new branch, or (for `base`)
// removing every head — Alembic's ScriptDirectory._stamp_revs.
#pragma once

#include <string>
#include <vector>

#include "engine/revision/migration_step.hpp"
#include "engine/revision/revision_resolver.hpp"

namespace retort::engine {

std::vector<MigrationStep> planStamp(const RevisionGraph& graph, const RevisionResolver& resolver,
                                     const std::vector<std::string>& currentRows,
                                     const std::vector<std::string>& destinations);

}  // namespace retort::engine
