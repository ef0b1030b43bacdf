#include "engine/revision/migration_step.hpp"

#include "engine/util/text.hpp"

namespace retort::engine {

namespace {

std::vector<std::string> idsOf(const RevisionGraph& graph, const RevisionSet& set) {
  std::vector<std::string> ids;
  for (RevisionIndex i : set) ids.push_back(graph.id(i));
  return ids;
}

}  // namespace

std::vector<std::string> MigrationStep::fromRevisions(const RevisionGraph& graph) const {
  switch (kind) {
    case Kind::Upgrade:
      return idsOf(graph, graph.parents(revision));
    case Kind::Downgrade:
      return {graph.id(revision)};
    case Kind::Stamp:
      return from;
  }
  return {};
}

std::vector<std::string> MigrationStep::toRevisions(const RevisionGraph& graph) const {
  switch (kind) {
    case Kind::Upgrade:
      return {graph.id(revision)};
    case Kind::Downgrade:
      return idsOf(graph, graph.parents(revision));
    case Kind::Stamp:
      return to;
  }
  return {};
}

std::string MigrationStep::shortLog(const RevisionGraph& graph) const {
  const char* name = kind == Kind::Upgrade     ? "upgrade"
                     : kind == Kind::Downgrade ? "downgrade"
                                               : "stamp_revision";
  return std::string(name) + " " + join(fromRevisions(graph)) + " -> " + join(toRevisions(graph));
}

std::string MigrationStep::longLog(const RevisionGraph& graph) const {
  if (kind == Kind::Stamp || graph.script(revision).doc().empty()) return shortLog(graph);
  return shortLog(graph) + ", " + graph.script(revision).doc();
}

}  // namespace retort::engine
