#include "engine/revision/stamp_plan.hpp"

#include <algorithm>

namespace retort::engine {

std::vector<MigrationStep> planStamp(const RevisionGraph& graph, const RevisionResolver& resolver,
                                     const std::vector<std::string>& currentRows,
                                     const std::vector<std::string>& destinationArgs) {
  using Edges = RevisionGraph::Edges;
  std::vector<std::string> destinations = destinationArgs;
  if (destinations.empty()) destinations.push_back("base");
  RevisionSet current = resolver.getRevisions(currentRows);
  RevisionSet filtered;
  for (const std::string& d : destinations) {
    for (RevisionIndex h : resolver.filterForLineage(current, d, true)) {
      if (std::find(filtered.begin(), filtered.end(), h) == filtered.end()) filtered.push_back(h);
    }
  }
  std::vector<std::string> filteredIds;
  for (RevisionIndex h : filtered) filteredIds.push_back(graph.id(h));

  RevisionSet dests = resolver.getRevisions(destinations);
  std::vector<MigrationStep> steps;
  auto stamp = [](std::vector<std::string> from, std::vector<std::string> to, bool up,
                  bool branchMove) {
    MigrationStep s;
    s.kind = MigrationStep::Kind::Stamp;
    s.from = std::move(from);
    s.to = std::move(to);
    s.stampUpgrade = up;
    s.branchMove = branchMove;
    return s;
  };
  if (dests.empty()) {
    for (const std::string& head : filteredIds) steps.push_back(stamp({head}, {}, false, true));
    return steps;
  }
  for (RevisionIndex dest : dests) {
    if (std::find(filtered.begin(), filtered.end(), dest) != filtered.end()) continue;
    std::vector<char> below = graph.descendants({dest}, Edges::ParentsAndDependencies);
    std::vector<char> above = graph.ancestors({dest}, Edges::ParentsAndDependencies);
    bool headsAbove =
        std::any_of(filtered.begin(), filtered.end(), [&](RevisionIndex h) { return below[h]; });
    bool headsBelow =
        std::any_of(filtered.begin(), filtered.end(), [&](RevisionIndex h) { return above[h]; });
    if (headsAbove) {
      steps.push_back(stamp(filteredIds, {graph.id(dest)}, false, false));
    } else if (headsBelow) {
      steps.push_back(stamp(filteredIds, {graph.id(dest)}, true, false));
    } else {
      steps.push_back(stamp({}, {graph.id(dest)}, true, true));
    }
  }
  return steps;
}

}  // namespace retort::engine
