#include "engine/revision/revision_graph.hpp"

#include <algorithm>
#include <set>

#include "engine/util/errors.hpp"

namespace retort::engine {

RevisionGraph::RevisionGraph(std::vector<Script> scripts) : scripts_(std::move(scripts)) {
  indexRevisions();
  linkEdges();
  detectCycles();
  normalizeDependencies();
  propagateLabels();
}

void RevisionGraph::indexRevisions() {
  byId_.reserve(scripts_.size() * 2);
  for (RevisionIndex i = 0; i < static_cast<RevisionIndex>(scripts_.size()); ++i) {
    const Script& s = scripts_[i];
    auto [it, inserted] = byId_.emplace(s.revision, i);
    if (!inserted) {
      throw ScriptError(s.path.string(), s.revisionLine,
                        "Revision " + s.revision + " is present more than once (also in " +
                            scripts_[it->second].path.string() + ")");
    }
  }
  for (RevisionIndex i = 0; i < static_cast<RevisionIndex>(scripts_.size()); ++i) {
    const Script& s = scripts_[i];
    for (const std::string& label : s.branchLabels) {
      RevisionIndex other = -1;
      if (auto it = byLabel_.find(label); it != byLabel_.end()) other = it->second;
      if (auto it = byId_.find(label); other < 0 && it != byId_.end()) other = it->second;
      if (other >= 0) {
        throw ScriptError(s.path.string(), s.branchLabelsLine,
                          "Branch name '" + label + "' in revision " + s.revision +
                              " already used by revision " + scripts_[other].revision);
      }
      byLabel_.emplace(label, i);
    }
  }
}

void RevisionGraph::linkEdges() {
  const size_t n = scripts_.size();
  parents_.assign(n, {});
  dependencies_.assign(n, {});
  children_.assign(n, {});
  dependents_.assign(n, {});
  for (RevisionIndex i = 0; i < static_cast<RevisionIndex>(n); ++i) {
    const Script& s = scripts_[i];
    for (const std::string& down : s.downRevisions) {
      if (down == s.revision) {
        throw ScriptError(s.path.string(), s.downRevisionLine,
                          "Self-loop is detected in revisions (" + s.revision + ")");
      }
      RevisionIndex p = find(down);
      if (p < 0) {
        throw ScriptError(s.path.string(), s.downRevisionLine,
                          "Revision " + down + " referenced from " + s.revision +
                              " (down_revision) is not present");
      }
      if (std::find(parents_[i].begin(), parents_[i].end(), p) == parents_[i].end()) {
        parents_[i].push_back(p);
        children_[p].push_back(i);
      }
    }
    for (const std::string& dep : s.dependsOn) {
      RevisionIndex d = find(dep);
      if (d < 0) d = findLabel(dep);
      if (d < 0) {
        // A unique prefix, as Alembic accepts for partial identifiers.
        for (RevisionIndex j = 0; j < static_cast<RevisionIndex>(n); ++j) {
          const std::string& other = scripts_[j].revision;
          if (other.size() > 3 && other.compare(0, dep.size(), dep) == 0) {
            if (d >= 0) {
              throw ScriptError(s.path.string(), s.dependsOnLine,
                                "depends_on '" + dep + "' matches more than one revision");
            }
            d = j;
          }
        }
      }
      if (d < 0) {
        throw ScriptError(
            s.path.string(), s.dependsOnLine,
            "Revision " + dep + " referenced from " + s.revision + " (depends_on) is not present");
      }
      if (d == i) {
        throw ScriptError(s.path.string(), s.dependsOnLine,
                          "Dependency self-loop is detected in revisions (" + s.revision + ")");
      }
      dependencies_[i].push_back(d);
      dependents_[d].push_back(i);
    }
  }
  for (RevisionIndex i = 0; i < static_cast<RevisionIndex>(n); ++i) {
    if (children_[i].empty()) heads_.push_back(i);
    if (children_[i].empty() && dependents_[i].empty()) realHeads_.push_back(i);
    if (parents_[i].empty()) bases_.push_back(i);
  }
}

void RevisionGraph::detectCycles() const {
  // Peel acyclic revisions off from the bases upward and from the heads downward; whatever is
  // left sits on a cycle (or between cycles). Done once on parent edges, once with dependencies.
  const size_t n = scripts_.size();
  for (bool withDependencies : {false, true}) {
    std::vector<int> pendingParents(n), pendingChildren(n);
    for (size_t i = 0; i < n; ++i) {
      pendingParents[i] =
          static_cast<int>(parents_[i].size() + (withDependencies ? dependencies_[i].size() : 0));
      pendingChildren[i] =
          static_cast<int>(children_[i].size() + (withDependencies ? dependents_[i].size() : 0));
    }
    std::vector<char> removed(n, 0);
    std::vector<RevisionIndex> work;
    for (size_t i = 0; i < n; ++i) {
      if (pendingParents[i] == 0) work.push_back(static_cast<RevisionIndex>(i));
    }
    size_t removedCount = 0;
    auto upward = [&](RevisionIndex i) {
      auto release = [&](RevisionIndex c) {
        if (!removed[c] && --pendingParents[c] == 0) work.push_back(c);
      };
      for (RevisionIndex c : children_[i]) release(c);
      if (withDependencies)
        for (RevisionIndex c : dependents_[i]) release(c);
    };
    while (!work.empty()) {
      RevisionIndex i = work.back();
      work.pop_back();
      if (removed[i]) continue;
      removed[i] = 1;
      ++removedCount;
      upward(i);
    }
    if (removedCount == n) continue;
    for (size_t i = 0; i < n; ++i) {
      if (!removed[i] && pendingChildren[i] == 0) work.push_back(static_cast<RevisionIndex>(i));
    }
    while (!work.empty()) {
      RevisionIndex i = work.back();
      work.pop_back();
      if (removed[i]) continue;
      removed[i] = 1;
      auto release = [&](RevisionIndex p) {
        if (!removed[p] && --pendingChildren[p] == 0) work.push_back(p);
      };
      for (RevisionIndex p : parents_[i]) release(p);
      if (withDependencies)
        for (RevisionIndex p : dependencies_[i]) release(p);
    }
    std::vector<char> remaining(n);
    for (size_t i = 0; i < n; ++i) remaining[i] = !removed[i];
    throwCycle(remaining, withDependencies);
  }
}

void RevisionGraph::throwCycle(const std::vector<char>& remaining, bool dependencyCycle) const {
  std::vector<std::string> ids;
  RevisionIndex first = -1;
  for (size_t i = 0; i < remaining.size(); ++i) {
    if (!remaining[i]) continue;
    ids.push_back(scripts_[i].revision);
    if (first < 0) first = static_cast<RevisionIndex>(i);
  }
  std::sort(ids.begin(), ids.end());
  std::string list;
  for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
  const Script& s = scripts_[first];
  throw ScriptError(s.path.string(), dependencyCycle ? s.dependsOnLine : s.downRevisionLine,
                    std::string(dependencyCycle ? "Dependency cycle" : "Cycle") +
                        " is detected in revisions (" + list + ")");
}

void RevisionGraph::normalizeDependencies() {
  normalizedParents_ = parents_;
  for (RevisionIndex i = 0; i < static_cast<RevisionIndex>(scripts_.size()); ++i) {
    if (dependencies_[i].empty()) continue;
    std::set<RevisionIndex> kept(dependencies_[i].begin(), dependencies_[i].end());
    std::vector<char> up = ancestors(parents_[i], Edges::Parents);
    for (size_t a = 0; a < up.size(); ++a) {
      if (!up[a]) continue;
      for (RevisionIndex d : dependencies_[a]) kept.erase(d);
    }
    for (RevisionIndex d : dependencies_[i]) {
      if (kept.count(d) && std::find(normalizedParents_[i].begin(), normalizedParents_[i].end(),
                                     d) == normalizedParents_[i].end()) {
        normalizedParents_[i].push_back(d);
      }
    }
  }
}

void RevisionGraph::propagateLabels() {
  labels_.assign(scripts_.size(), {});
  for (RevisionIndex i = 0; i < static_cast<RevisionIndex>(scripts_.size()); ++i) {
    const auto& own = scripts_[i].branchLabels;
    if (own.empty()) continue;
    auto add = [&](RevisionIndex r) {
      labels_[r].insert(labels_[r].end(), own.begin(), own.end());
    };
    std::vector<char> down = descendants({i}, Edges::Parents);
    for (size_t d = 0; d < down.size(); ++d) {
      if (down[d]) add(static_cast<RevisionIndex>(d));
    }
    // Ancestors share the label up to the nearest branch point or merge point.
    for (RevisionIndex p = i; !isBranchPoint(p) && !isMergePoint(p);) {
      if (p != i) add(p);
      if (parents_[p].empty()) break;
      p = parents_[p][0];
    }
  }
  for (auto& l : labels_) {
    std::sort(l.begin(), l.end());
    l.erase(std::unique(l.begin(), l.end()), l.end());
  }
}

RevisionIndex RevisionGraph::find(std::string_view id) const {
  auto it = byId_.find(id);
  return it == byId_.end() ? -1 : it->second;
}

RevisionIndex RevisionGraph::findLabel(std::string_view label) const {
  auto it = byLabel_.find(label);
  return it == byLabel_.end() ? -1 : it->second;
}

std::vector<char> RevisionGraph::reach(const RevisionSet& start,
                                       const std::vector<RevisionSet>& primary,
                                       const std::vector<RevisionSet>* secondary) const {
  std::vector<char> seen(scripts_.size(), 0);
  std::vector<RevisionIndex> work(start.begin(), start.end());
  auto follow = [&](const RevisionSet& next) {
    for (RevisionIndex r : next) {
      if (!seen[r]) work.push_back(r);
    }
  };
  while (!work.empty()) {
    RevisionIndex i = work.back();
    work.pop_back();
    if (seen[i]) continue;
    seen[i] = 1;
    follow(primary[i]);
    if (secondary) follow((*secondary)[i]);
  }
  return seen;
}

std::vector<char> RevisionGraph::ancestors(const RevisionSet& start, Edges edges) const {
  return reach(start, parents_, edges == Edges::ParentsAndDependencies ? &dependencies_ : nullptr);
}

std::vector<char> RevisionGraph::descendants(const RevisionSet& start, Edges edges) const {
  return reach(start, children_, edges == Edges::ParentsAndDependencies ? &dependents_ : nullptr);
}

bool RevisionGraph::sharesLineage(RevisionIndex a, RevisionIndex b) const {
  return ancestors({a}, Edges::Parents)[b] || descendants({a}, Edges::Parents)[b];
}

RevisionSet RevisionGraph::newestFirst(const std::vector<char>& members) const {
  const size_t n = scripts_.size();
  std::vector<int> pendingChildren(n, 0);
  for (size_t j = 0; j < n; ++j) {
    if (!members[j]) continue;
    for (RevisionIndex p : normalizedParents_[j]) {
      if (members[p]) ++pendingChildren[p];
    }
  }
  // A stack, so the walk keeps following one branch down before switching to the next.
  std::vector<RevisionIndex> stack;
  for (size_t j = n; j-- > 0;) {
    if (members[j] && pendingChildren[j] == 0) stack.push_back(static_cast<RevisionIndex>(j));
  }
  RevisionSet order;
  while (!stack.empty()) {
    RevisionIndex i = stack.back();
    stack.pop_back();
    order.push_back(i);
    const RevisionSet& ps = normalizedParents_[i];
    for (auto it = ps.rbegin(); it != ps.rend(); ++it) {
      if (members[*it] && --pendingChildren[*it] == 0) stack.push_back(*it);
    }
  }
  return order;
}

RevisionSet RevisionGraph::toList(const std::vector<char>& mask) {
  RevisionSet out;
  for (size_t i = 0; i < mask.size(); ++i) {
    if (mask[i]) out.push_back(static_cast<RevisionIndex>(i));
  }
  return out;
}

}  // namespace retort::engine
