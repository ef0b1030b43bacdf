// Resolves Alembic's revision-target grammar against a RevisionGraph: full and partial ids,
// `head`, `heads`, `base`, `label@rev`, `label@head`, relative moves (`+N`, `-N`, `rev+N`,
// `head-N`, `label@+N`) and the database's current heads. It also computes which revisions
// an upgrade or a downgrade must run (Alembic's _collect_upgrade/downgrade_revisions).
// Failures are RevisionError subclasses (revision_errors.hpp) with Alembic's inner messages.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/revision/revision_graph.hpp"

namespace retort::engine {

// Positions a walk can be at besides a real revision.
inline constexpr RevisionIndex kNoRevision = -1;  // "nowhere yet": walking up starts at the bases
inline constexpr RevisionIndex kBase = -2;        // "base": below every root

class RevisionResolver {
 public:
  explicit RevisionResolver(const RevisionGraph& graph) : graph_(graph) {}
  const RevisionGraph& graph() const { return graph_; }

  // Alembic's get_revisions: every revision an identifier names (empty for `base`).
  RevisionSet getRevisions(const std::string& id) const;
  RevisionSet getRevisions(const std::vector<std::string>& ids) const;
  // Alembic's get_revision: at most one revision (kNoRevision for `base`).
  RevisionIndex getRevision(const std::string& id) const;

  // Revisions of `targets` that share lineage with `checkAgainst` (a label or an id).
  RevisionSet filterForLineage(const RevisionSet& targets, const std::string& checkAgainst,
                               bool includeDependencies = false) const;

  // Walks `steps` up (>0) or down (<0). Returns kNoRevision when it runs off the graph and
  // `noOverwalk` is set; throws "Ambiguous walk" at a branch point or merge point.
  RevisionIndex walk(RevisionIndex start, int steps, const std::string& branchLabel = "",
                     bool noOverwalk = true) const;

  struct Plan {
    std::vector<char> members;  // the revisions to run
    RevisionSet order;          // in the order to run them
  };
  // Revisions an upgrade from `current` to `target` runs, oldest first.
  Plan upgradePlan(const std::vector<std::string>& current, const std::string& target) const;
  // Revisions a downgrade from `current` to `target` runs, newest first.
  Plan downgradePlan(const std::vector<std::string>& current, const std::string& target) const;
  // Revisions `history -r lower:upper` shows, newest first (Alembic's walk_revisions).
  RevisionSet walkRevisions(const std::vector<std::string>& lower,
                            const std::vector<std::string>& upper) const;

  // The branch heads of everything `current` implies: what `current` prints.
  RevisionSet allCurrent(const std::vector<std::string>& current) const;

  // Parses upgrade and downgrade targets (exposed for tests and `plan`).
  RevisionSet parseUpgradeTarget(const std::vector<std::string>& current,
                                 const std::string& target) const;
  std::pair<std::string, RevisionIndex> parseDowngradeTarget(
      const std::vector<std::string>& current, const std::string& target) const;

 private:
  struct Resolved {
    std::vector<std::string> ids;
    std::string branchLabel;
  };
  Resolved resolveRevisionNumber(const std::string& id) const;
  RevisionIndex revisionForIdent(const std::string& ident, const std::string& checkBranch) const;
  RevisionIndex resolveBranch(const std::string& label) const;
  RevisionIndex currentHead(const std::string& branchLabel) const;
  std::vector<char> collectUpgrade(const RevisionSet& targets, const RevisionSet& lower,
                                   bool inclusive, bool implicitBase, const std::string& lowerArg,
                                   const std::string& upperArg) const;

  const RevisionGraph& graph_;
  mutable std::vector<std::string> warnings_;

 public:
  // Warnings raised while resolving (Alembic's UserWarnings), for the caller to print.
  const std::vector<std::string>& warnings() const { return warnings_; }
};

// Alembic's `(?:(.+?)@)?(\w+)?((?:\+|-)\d+)`, matched at the start of a target. Python's
// integers have no bound; a count beyond an int's throws RevisionError naming the target.
struct RelativeTarget {
  std::string branchLabel;
  std::string symbol;
  int relative = 0;
  std::string relativeText;
};
std::optional<RelativeTarget> parseRelativeTarget(const std::string& target);

}  // namespace retort::engine
