// Alembic's ways of printing a revision: the one-line form used by current, heads, history
// and branches (`a -> b (label) (head) (branchpoint), message`) and the verbose block used by
// show and -v (`Rev:`, `Parent:`, `Path:`, ...).
#pragma once

#include <string>
#include <vector>

#include "engine/revision/revision_graph.hpp"

namespace retort::cli {

struct LineFormat {
  bool includeBranches = false;
  bool includeDoc = false;
  bool includeParents = false;
  bool treeIndicators = true;
  bool headIndicators = true;
  bool current = false;  // adds "(current)"
};

std::string formatRevisionLine(const engine::RevisionGraph& graph, engine::RevisionIndex i,
                               const LineFormat& format);
std::string formatLogEntry(const engine::RevisionGraph& graph, engine::RevisionIndex i,
                           bool current = false);
// Alembic's cmd_format: the verbose block when `verbose`, otherwise the line.
std::string formatRevision(const engine::RevisionGraph& graph, engine::RevisionIndex i,
                           bool verbose, const LineFormat& format);

}  // namespace retort::cli
