// One step of a run: apply or revert one revision's script, or move version rows without
// running anything (stamp). A step knows how Alembic describes it in logs
// ("upgrade a -> b, message") and in offline SQL comments.
#pragma once

#include <string>
#include <vector>

#include "engine/revision/revision_graph.hpp"

namespace retort::engine {

struct MigrationStep {
  enum class Kind { Upgrade, Downgrade, Stamp };
  Kind kind = Kind::Upgrade;
  RevisionIndex revision = -1;    // Upgrade and Downgrade
  std::vector<std::string> from;  // Stamp: rows it moves from
  std::vector<std::string> to;    // Stamp: rows it moves to
  bool branchMove = false;        // Stamp: adds or removes a whole branch
  bool stampUpgrade = false;      // Stamp: moving up the graph

  bool isUpgrade() const { return kind == Kind::Upgrade || (kind == Kind::Stamp && stampUpgrade); }
  // "upgrade a -> b": Alembic's short_log.
  std::string shortLog(const RevisionGraph& graph) const;
  // "upgrade a -> b, message": Alembic's str(step), as logged by "Running ...".
  std::string longLog(const RevisionGraph& graph) const;
  // Revision ids this step leaves the database at / comes from (for history records).
  std::vector<std::string> fromRevisions(const RevisionGraph& graph) const;
  std::vector<std::string> toRevisions(const RevisionGraph& graph) const;
};

}  // namespace retort::engine
