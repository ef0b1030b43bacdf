#include "engine/revision/revision_resolver.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <regex>
#include <string_view>

#include "engine/revision/revision_errors.hpp"
#include "engine/util/printable.hpp"

namespace retort::engine {

namespace {

std::string relativeMessage(const std::string& relative, int steps) {
  return "Relative revision " + relative + " didn't produce " + std::to_string(std::abs(steps)) +
         " migrations";
}

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// `number` is a sign and digits (the callers' regexes checked). The walk counts steps in an int
// and negates it, so a count whose magnitude exceeds INT_MAX is refused here, naming `target`.
int relativeCount(std::string_view number, const std::string& target) {
  bool negative = !number.empty() && number.front() == '-';
  if (!number.empty() && (number.front() == '-' || number.front() == '+')) number.remove_prefix(1);
  long long magnitude = 0;
  auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), magnitude);
  if (error == std::errc::result_out_of_range || (error == std::errc() && magnitude > INT_MAX)) {
    throw RevisionError("relative revision \"" + printable(target) +
                        "\": the number is too large (at most " + std::to_string(INT_MAX) +
                        " steps)");
  }
  if (error != std::errc() || end != number.data() + number.size()) {
    throw RevisionError("relative revision \"" + printable(target) + "\": not a number");
  }
  return static_cast<int>(negative ? -magnitude : magnitude);
}

std::optional<int> parseInt(const std::string& s) {
  static const std::regex kInteger(R"(^\s*([+-]?\d+)\s*$)");
  std::smatch m;
  if (!std::regex_match(s, m, kInteger)) return std::nullopt;
  return relativeCount(m[1].str(), s);
}

}  // namespace

std::optional<RelativeTarget> parseRelativeTarget(const std::string& target) {
  static const std::regex kRelative(R"((?:(.+?)@)?(\w+)?((?:\+|-)\d+))");
  std::smatch m;
  if (!std::regex_search(target, m, kRelative, std::regex_constants::match_continuous)) {
    return std::nullopt;
  }
  RelativeTarget r;
  r.branchLabel = m[1].str();
  r.symbol = m[2].str();
  r.relativeText = m[3].str();
  r.relative = relativeCount(r.relativeText, target);
  return r;
}

RevisionResolver::Resolved RevisionResolver::resolveRevisionNumber(const std::string& input) const {
  Resolved r;
  std::string id = input;
  if (size_t at = input.find('@'); at != std::string::npos) {
    r.branchLabel = input.substr(0, at);
    id = input.substr(at + 1);
  }
  if (id == "heads") {
    RevisionSet heads = r.branchLabel.empty() ? graph_.realHeads()
                                              : filterForLineage(graph_.heads(), r.branchLabel);
    for (RevisionIndex h : heads) r.ids.push_back(graph_.id(h));
  } else if (id == "head") {
    RevisionIndex head = currentHead(r.branchLabel);
    if (head >= 0) r.ids.push_back(graph_.id(head));
  } else if (id != "base" && !id.empty()) {
    r.ids.push_back(id);
  }
  return r;
}

RevisionIndex RevisionResolver::currentHead(const std::string& branchLabel) const {
  RevisionSet heads = graph_.heads();
  if (!branchLabel.empty()) heads = filterForLineage(heads, branchLabel);
  if (heads.size() > 1) {
    std::vector<std::string> ids;
    for (RevisionIndex h : heads) ids.push_back(graph_.id(h));
    throw MultipleHeads(ids, branchLabel.empty() ? "head" : branchLabel + "@head");
  }
  return heads.empty() ? kNoRevision : heads.front();
}

RevisionSet RevisionResolver::getRevisions(const std::string& id) const {
  Resolved r = resolveRevisionNumber(id);
  if (r.ids.size() == 1) {
    if (auto steps = parseInt(r.ids[0]); steps && *steps < 0) {
      RevisionSet result;
      for (RevisionIndex head : getRevisions("heads")) {
        const auto& labels = graph_.branchLabels(head);
        if (!r.branchLabel.empty() &&
            std::find(labels.begin(), labels.end(), r.branchLabel) == labels.end()) {
          continue;
        }
        RevisionIndex walked = walk(head, *steps);
        if (walked == kNoRevision) throw RevisionError("Walked too far");
        if (walked != kBase) result.push_back(walked);
      }
      return result;
    }
  }
  RevisionSet result;
  for (const std::string& ident : r.ids) {
    RevisionIndex rev = revisionForIdent(ident, r.branchLabel);
    if (rev >= 0) result.push_back(rev);
  }
  return result;
}

RevisionSet RevisionResolver::getRevisions(const std::vector<std::string>& ids) const {
  RevisionSet result;
  for (const std::string& id : ids) {
    RevisionSet one = getRevisions(id);
    result.insert(result.end(), one.begin(), one.end());
  }
  return result;
}

RevisionIndex RevisionResolver::getRevision(const std::string& id) const {
  Resolved r = resolveRevisionNumber(id);
  if (r.ids.size() > 1) throw MultipleHeads(r.ids, id);
  if (r.ids.empty()) return kNoRevision;
  return revisionForIdent(r.ids[0], r.branchLabel);
}

RevisionIndex RevisionResolver::revisionForIdent(const std::string& ident,
                                                 const std::string& checkBranch) const {
  RevisionIndex branchRev = checkBranch.empty() ? kNoRevision : resolveBranch(checkBranch);
  RevisionIndex rev = graph_.find(ident);
  if (rev < 0) rev = graph_.findLabel(ident);
  if (rev < 0) {
    // A partial identifier: ids longer than three characters that start with it (labels match
    // only exactly; observed with Alembic: `a` resolves to aaaa1111 beside a label `audit`).
    RevisionSet candidates;
    std::vector<std::string> names;
    for (RevisionIndex i = 0; i < static_cast<RevisionIndex>(graph_.size()); ++i) {
      const std::string& id = graph_.id(i);
      if (id.size() > 3 && startsWith(id, ident)) candidates.push_back(i), names.push_back(id);
    }
    if (branchRev >= 0) {
      RevisionSet kept;
      std::vector<std::string> keptNames;
      for (size_t k = 0; k < candidates.size(); ++k) {
        if (graph_.sharesLineage(candidates[k], branchRev)) {
          kept.push_back(candidates[k]);
          keptNames.push_back(names[k]);
        }
      }
      candidates.swap(kept);
      names.swap(keptNames);
    }
    if (candidates.empty()) {
      throw ResolutionError(
          "No such revision or branch '" + ident + "'" +
              (ident.size() < 4 ? "; please ensure at least four characters are present for "
                                  "partial revision identifier matches"
                                : ""),
          ident);
    }
    if (candidates.size() > 1) {
      std::string list;
      for (size_t k = 0; k < std::min<size_t>(3, names.size()); ++k) {
        list += (k ? ", '" : "'") + names[k] + "'";
      }
      throw ResolutionError("Multiple revisions start with '" + ident + "': " + list + "...",
                            ident);
    }
    rev = candidates.front();
  }
  if (branchRev >= 0 && !graph_.sharesLineage(rev, branchRev)) {
    throw ResolutionError(
        "Revision " + graph_.id(rev) + " is not a member of branch '" + checkBranch + "'", ident);
  }
  return rev;
}

RevisionIndex RevisionResolver::resolveBranch(const std::string& label) const {
  if (RevisionIndex r = graph_.findLabel(label); r >= 0) return r;
  try {
    return revisionForIdent(label, "");
  } catch (const ResolutionError&) {
    throw ResolutionError("No such branch: '" + label + "'", label);
  }
}

RevisionSet RevisionResolver::filterForLineage(const RevisionSet& targets,
                                               const std::string& checkAgainst,
                                               bool includeDependencies) const {
  Resolved r = resolveRevisionNumber(checkAgainst);
  std::vector<std::string> shares;
  if (!r.branchLabel.empty()) shares.push_back(r.branchLabel);
  shares.insert(shares.end(), r.ids.begin(), r.ids.end());
  if (shares.empty()) return targets;
  RevisionSet against;
  for (const std::string& s : shares) against.push_back(revisionForIdent(s, ""));
  auto edges = includeDependencies ? RevisionGraph::Edges::ParentsAndDependencies
                                   : RevisionGraph::Edges::Parents;
  RevisionSet kept;
  for (RevisionIndex t : targets) {
    std::vector<char> up = graph_.ancestors({t}, edges);
    std::vector<char> down = graph_.descendants({t}, edges);
    if (std::any_of(against.begin(), against.end(),
                    [&](RevisionIndex a) { return up[a] || down[a]; })) {
      kept.push_back(t);
    }
  }
  return kept;
}

RevisionIndex RevisionResolver::walk(RevisionIndex start, int steps, const std::string& branchLabel,
                                     bool noOverwalk) const {
  RevisionIndex current = start;
  for (int i = 0; i < std::abs(steps); ++i) {
    RevisionSet next;
    if (steps > 0) {
      next = current < 0 ? graph_.bases() : graph_.children(current);
      if (!branchLabel.empty()) next = filterForLineage(next, branchLabel);
    } else if (current != kBase) {
      next = current == kNoRevision ? graph_.heads() : graph_.parents(current);
      if (next.empty()) next.push_back(kBase);
    }
    if (next.empty()) return noOverwalk ? kNoRevision : current;
    if (next.size() > 1) throw RevisionError("Ambiguous walk");
    current = next.front();
  }
  return current;
}

RevisionSet RevisionResolver::parseUpgradeTarget(const std::vector<std::string>& current,
                                                 const std::string& target) const {
  std::optional<RelativeTarget> rel = parseRelativeTarget(target);
  if (!rel) return getRevisions(target);
  const std::string& label = rel->branchLabel;
  if (rel->relative > 0) {
    RevisionIndex walked;
    if (rel->symbol.empty()) {
      RevisionSet start;
      if (current.empty()) start.push_back(kNoRevision);
      for (const std::string& c : current) start.push_back(getRevision(c));
      if (!label.empty()) {
        start = filterForLineage(getRevisions(current), label);
        if (start.empty()) {
          // The branch has no current head: continue from its newest applied revision.
          std::vector<char> applied =
              graph_.ancestors(getRevisions(current), RevisionGraph::Edges::ParentsAndDependencies);
          RevisionSet onBranch = filterForLineage(RevisionGraph::toList(applied), label);
          std::vector<char> isParent(graph_.size(), 0);
          for (RevisionIndex r : onBranch) {
            for (RevisionIndex p : graph_.normalizedParents(r)) isParent[p] = 1;
          }
          for (RevisionIndex r : onBranch) {
            if (!isParent[r]) start.push_back(r);
          }
          if (start.empty()) start.push_back(kNoRevision);
        }
      }
      if (start.size() > 1)
        throw RevisionError("Ambiguous upgrade from multiple current revisions");
      walked = walk(start.front(), rel->relative, label, true);
      if (walked == kNoRevision)
        throw RevisionError(relativeMessage(rel->relativeText, rel->relative));
    } else {
      walked = walk(getRevision(rel->symbol), rel->relative, label, true);
      if (walked == kNoRevision) throw RevisionError("Walked too far");
    }
    return walked == kBase ? RevisionSet{} : RevisionSet{walked};
  }
  if (rel->symbol.empty()) {
    throw RevisionError(relativeMessage(std::to_string(rel->relative), rel->relative));
  }
  RevisionIndex start = getRevision(label.empty() ? rel->symbol : label + "@" + rel->symbol);
  RevisionIndex walked = walk(start, rel->relative, "", true);
  if (walked == kNoRevision) throw RevisionError("Walked too far");
  return walked == kBase ? RevisionSet{} : RevisionSet{walked};
}

std::pair<std::string, RevisionIndex> RevisionResolver::parseDowngradeTarget(
    const std::vector<std::string>& current, const std::string& target) const {
  std::optional<RelativeTarget> rel = parseRelativeTarget(target);
  if (rel) {
    std::string label = rel->branchLabel;
    if (rel->relative >= 0) {
      if (rel->symbol.empty())
        throw RevisionError(relativeMessage(rel->relativeText, rel->relative));
      RevisionIndex walked = walk(getRevision(rel->symbol), rel->relative, label, true);
      if (walked == kNoRevision) throw RevisionError("Walked too far");
      return {label, walked};
    }
    bool relativeToCurrent = rel->symbol.empty();
    std::string symbol = rel->symbol;
    if (relativeToCurrent) {
      if (!label.empty()) {
        RevisionSet onBranch = filterForLineage(getRevisions(current), label);
        if (onBranch.empty()) onBranch = filterForLineage(allCurrent(current), label);
        if (onBranch.size() != 1) throw RevisionError("Ambiguous walk");
        symbol = graph_.id(onBranch.front());
      } else {
        if (current.empty()) throw RevisionError(relativeMessage(rel->relativeText, rel->relative));
        std::vector<std::string> unique = current;
        std::sort(unique.begin(), unique.end());
        if (std::unique(unique.begin(), unique.end()) - unique.begin() > 1) {
          warnings_.push_back(
              "downgrade -1 from multiple heads is ambiguous; this usage will be disallowed in a "
              "future release.");
        }
        symbol = current.front();
        label = symbol;
      }
    }
    RevisionIndex start = getRevision(label.empty() ? symbol : label + "@" + symbol);
    RevisionIndex walked = walk(start, rel->relative, "", true);
    if (walked == kNoRevision) {
      throw RevisionError(relativeToCurrent ? relativeMessage(rel->relativeText, rel->relative)
                                            : "Walked too far");
    }
    return {label, walked};
  }
  size_t at = target.rfind('@');
  std::string label = at == std::string::npos ? "" : target.substr(0, at);
  std::string symbol = at == std::string::npos ? target : target.substr(at + 1);
  RevisionIndex rev = getRevision(symbol);
  return {label, rev == kNoRevision ? kBase : rev};
}

std::vector<char> RevisionResolver::collectUpgrade(const RevisionSet& targets,
                                                   const RevisionSet& lower, bool inclusive,
                                                   bool implicitBase, const std::string& lowerArg,
                                                   const std::string& upperArg) const {
  using Edges = RevisionGraph::Edges;
  std::vector<char> needs = graph_.ancestors(targets, Edges::ParentsAndDependencies);
  if (!implicitBase) {
    for (RevisionIndex l : lower) {
      if (!needs[l]) throw RangeNotAncestorError(lowerArg, upperArg);
    }
  }
  std::vector<char> done = graph_.ancestors(lower, Edges::ParentsAndDependencies);
  for (size_t i = 0; i < needs.size(); ++i) needs[i] = needs[i] && !done[i];
  if (inclusive) {
    for (RevisionIndex l : lower) needs[l] = 1;
  }
  if (!lower.empty() && !implicitBase) {
    std::vector<char> above = graph_.descendants(lower, Edges::Parents);
    for (size_t i = 0; i < needs.size(); ++i) needs[i] = needs[i] && above[i];
  }
  return needs;
}

RevisionResolver::Plan RevisionResolver::upgradePlan(const std::vector<std::string>& current,
                                                     const std::string& target) const {
  RevisionSet targets = parseUpgradeTarget(current, target);
  Plan plan;
  plan.members = collectUpgrade(targets, getRevisions(current), false, true, "", target);
  plan.order = graph_.newestFirst(plan.members);
  std::reverse(plan.order.begin(), plan.order.end());
  return plan;
}

RevisionResolver::Plan RevisionResolver::downgradePlan(const std::vector<std::string>& current,
                                                       const std::string& target) const {
  using Edges = RevisionGraph::Edges;
  auto [label, destination] = parseDowngradeTarget(current, target);
  bool toBase = destination < 0;
  RevisionSet roots = toBase ? graph_.bases() : graph_.children(destination);
  if (!label.empty() && roots.size() > 1) {
    std::vector<char> lineage = graph_.ancestors({resolveBranch(label)}, Edges::Parents);
    RevisionSet kept;
    for (RevisionIndex r : roots) {
      if (lineage[r]) kept.push_back(r);
    }
    if (kept.empty()) throw RevisionError("Not a valid downgrade target from current heads");
    roots.swap(kept);
  }
  RevisionSet heads = getRevisions(current);
  Plan plan;
  plan.members = graph_.descendants(roots, Edges::ParentsAndDependencies);
  std::vector<char> active = graph_.ancestors(heads, Edges::ParentsAndDependencies);
  bool any = false;
  for (size_t i = 0; i < plan.members.size(); ++i) {
    plan.members[i] = plan.members[i] && active[i];
    any = any || plan.members[i];
  }
  if (!toBase && !any && std::find(heads.begin(), heads.end(), destination) == heads.end()) {
    std::string upper;
    for (const auto& c : current) upper += (upper.empty() ? "" : ", ") + c;
    throw RangeNotAncestorError("Nothing to drop", upper);
  }
  plan.order = graph_.newestFirst(plan.members);
  return plan;
}

RevisionSet RevisionResolver::walkRevisions(const std::vector<std::string>& lower,
                                            const std::vector<std::string>& upper) const {
  RevisionSet targets =
      upper.size() == 1 ? parseUpgradeTarget(lower, upper.front()) : getRevisions(upper);
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
    return s;
  };
  std::vector<char> members =
      collectUpgrade(targets, getRevisions(lower), true, false, join(lower), join(upper));
  return graph_.newestFirst(members);
}

RevisionSet RevisionResolver::allCurrent(const std::vector<std::string>& current) const {
  std::vector<char> applied =
      graph_.ancestors(getRevisions(current), RevisionGraph::Edges::ParentsAndDependencies);
  RevisionSet heads;
  for (size_t i = 0; i < applied.size(); ++i) {
    if (!applied[i]) continue;
    const RevisionSet& kids = graph_.children(static_cast<RevisionIndex>(i));
    if (std::none_of(kids.begin(), kids.end(), [&](RevisionIndex c) { return applied[c]; })) {
      heads.push_back(static_cast<RevisionIndex>(i));
    }
  }
  return heads;
}

}  // namespace retort::engine
