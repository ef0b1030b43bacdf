// The revision graph of a script directory: each script is a node, `down_revision` gives
// parent edges and `depends_on` gives dependency edges, with Alembic's derived notions —
// heads (no children), real heads (nothing depends on them either), bases, branch points,
// merge points, and branch labels propagated along their lineage. Construction validates the
// graph (duplicate ids, missing parents, cycles, duplicate labels) with Alembic's messages
// plus the file and line at fault. Every query here is O(revisions + edges).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/script/script.hpp"

namespace retort::engine {

using RevisionIndex = int;
using RevisionSet = std::vector<RevisionIndex>;

class RevisionGraph {
 public:
  // Scripts must be in load order (sorted file names); that order breaks ties everywhere.
  explicit RevisionGraph(std::vector<Script> scripts);

  size_t size() const { return scripts_.size(); }
  const Script& script(RevisionIndex i) const { return scripts_[i]; }
  const std::string& id(RevisionIndex i) const { return scripts_[i].revision; }

  // Exact id lookup; -1 when absent.
  RevisionIndex find(std::string_view id) const;
  // The revision that declares `label`; -1 when no revision does.
  RevisionIndex findLabel(std::string_view label) const;

  const RevisionSet& parents(RevisionIndex i) const { return parents_[i]; }
  const RevisionSet& dependencies(RevisionIndex i) const { return dependencies_[i]; }
  // Parents plus the dependencies that no down-ancestor already depends on (Alembic's
  // `_normalized_down_revisions`): the edges that version-table bookkeeping follows.
  const RevisionSet& normalizedParents(RevisionIndex i) const { return normalizedParents_[i]; }
  const RevisionSet& children(RevisionIndex i) const { return children_[i]; }
  const RevisionSet& dependents(RevisionIndex i) const { return dependents_[i]; }
  // Branch labels of this revision: its own plus those propagated along its lineage, sorted.
  const std::vector<std::string>& branchLabels(RevisionIndex i) const { return labels_[i]; }

  bool isBase(RevisionIndex i) const { return parents_[i].empty(); }
  bool isHead(RevisionIndex i) const { return children_[i].empty(); }
  bool isRealHead(RevisionIndex i) const { return children_[i].empty() && dependents_[i].empty(); }
  bool isBranchPoint(RevisionIndex i) const { return children_[i].size() > 1; }
  bool isMergePoint(RevisionIndex i) const { return parents_[i].size() > 1; }

  const RevisionSet& heads() const { return heads_; }          // in load order
  const RevisionSet& realHeads() const { return realHeads_; }  // in load order
  const RevisionSet& bases() const { return bases_; }

  enum class Edges { Parents, ParentsAndDependencies };
  // The revisions reachable from `start` (included) going down, or up, as a membership mask.
  std::vector<char> ancestors(const RevisionSet& start, Edges edges) const;
  std::vector<char> descendants(const RevisionSet& start, Edges edges) const;

  // True when `a` is an ancestor or descendant of `b` along parent edges (or a == b).
  bool sharesLineage(RevisionIndex a, RevisionIndex b) const;

  // Orders the revisions marked in `members` so that every revision comes before its
  // normalized parents (newest first), starting from `heads` and continuing down one branch
  // as long as possible, with load order breaking ties. Reverse it for upgrade order.
  RevisionSet newestFirst(const std::vector<char>& members) const;

  // Turns a mask into a list in load order.
  static RevisionSet toList(const std::vector<char>& mask);

 private:
  void indexRevisions();
  void linkEdges();
  void detectCycles() const;
  void normalizeDependencies();
  void propagateLabels();
  // Everything reachable from `start` along `primary` (and `secondary`) edges.
  std::vector<char> reach(const RevisionSet& start, const std::vector<RevisionSet>& primary,
                          const std::vector<RevisionSet>* secondary) const;
  [[noreturn]] void throwCycle(const std::vector<char>& remaining, bool dependencyCycle) const;

  std::vector<Script> scripts_;
  std::unordered_map<std::string_view, RevisionIndex> byId_;
  std::unordered_map<std::string_view, RevisionIndex> byLabel_;
  std::vector<RevisionSet> parents_, dependencies_, normalizedParents_, children_, dependents_;
  std::vector<std::vector<std::string>> labels_;
  RevisionSet heads_, realHeads_, bases_;
};

}  // namespace retort::engine
