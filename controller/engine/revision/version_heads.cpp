#include "engine/revision/version_heads.hpp"

#include <algorithm>

#include "engine/util/errors.hpp"

namespace retort::engine {

bool VersionHeads::has(const std::string& id) const {
  return std::find(rows_.begin(), rows_.end(), id) != rows_.end();
}

void VersionHeads::insert(std::vector<VersionChange>& out, const std::string& id) {
  out.push_back({VersionChange::Op::Insert, "", id});
  rows_.push_back(id);
}

void VersionHeads::update(std::vector<VersionChange>& out, const std::string& from,
                          const std::string& to) {
  out.push_back({VersionChange::Op::Update, from, to});
  std::replace(rows_.begin(), rows_.end(), from, to);
}

void VersionHeads::remove(std::vector<VersionChange>& out, const std::string& id) {
  out.push_back({VersionChange::Op::Delete, id, ""});
  rows_.erase(std::remove(rows_.begin(), rows_.end(), id), rows_.end());
}

std::vector<std::string> VersionHeads::notImpliedByOtherRows(
    const std::vector<std::string>& candidates, const std::vector<std::string>& except) const {
  RevisionSet others;
  for (const auto& row : rows_) {
    if (std::find(except.begin(), except.end(), row) != except.end()) continue;
    if (RevisionIndex i = graph_.find(row); i >= 0) others.push_back(i);
  }
  if (others.empty()) return candidates;
  std::vector<char> implied =
      graph_.ancestors(others, RevisionGraph::Edges::ParentsAndDependencies);
  std::vector<std::string> kept;
  for (const auto& c : candidates) {
    RevisionIndex i = graph_.find(c);
    if (i < 0 || !implied[i]) kept.push_back(c);
  }
  return kept;
}

std::vector<VersionChange> VersionHeads::advance(const MigrationStep& step) {
  return step.kind == MigrationStep::Kind::Stamp ? advanceStamp(step) : advanceRevision(step);
}

std::vector<VersionChange> VersionHeads::advanceRevision(const MigrationStep& step) {
  std::vector<VersionChange> out;
  const std::string& rev = graph_.id(step.revision);
  std::vector<std::string> downs;
  for (RevisionIndex p : graph_.normalizedParents(step.revision)) downs.push_back(graph_.id(p));
  const bool up = step.isUpgrade();

  if (!up && has(rev) && (downs.empty() || notImpliedByOtherRows(downs, {rev}).empty())) {
    remove(out, rev);  // the branch ends here, or what remains is implied by other rows
    return out;
  }
  size_t downsPresent =
      std::count_if(downs.begin(), downs.end(), [&](const auto& d) { return has(d); });
  if (up && downsPresent == 0) {
    insert(out, rev);  // a new branch: no parent holds a row
    return out;
  }
  if (up && downs.size() > 1 && downsPresent > 1) {
    // A merge: keep one parent's row (updated to rev) and delete the others'.
    std::vector<std::string> merged = notImpliedByOtherRows(downs, downs);
    for (size_t k = 0; k + 1 < merged.size(); ++k) remove(out, merged[k]);
    update(out, merged.back(), rev);
    return out;
  }
  if (!up && has(rev) && downs.size() > 1) {
    // An unmerge: the parents that no other row implies come back as rows.
    std::vector<std::string> restored = notImpliedByOtherRows(downs, {rev});
    for (size_t k = 0; k + 1 < restored.size(); ++k) insert(out, restored[k]);
    update(out, rev, restored.back());
    return out;
  }
  std::string down;
  if (downs.size() == 1) {
    down = downs.front();
  } else {
    std::vector<std::string> present;
    for (const auto& d : downs) {
      if (has(d)) present.push_back(d);
    }
    if (present.size() != 1) {
      throw CommandError("Can't do an UPDATE because downrevision is ambiguous");
    }
    down = present.front();
  }
  if (up) {
    update(out, down, rev);
  } else {
    update(out, rev, down);
  }
  return out;
}

std::vector<VersionChange> VersionHeads::advanceStamp(const MigrationStep& step) {
  std::vector<VersionChange> out;
  const bool up = step.isUpgrade();
  if (!up && step.branchMove) {
    remove(out, step.from.front());
    return out;
  }
  auto anyMissing = [&](const std::vector<std::string>& ids) {
    return std::any_of(ids.begin(), ids.end(), [&](const auto& id) { return !has(id); });
  };
  if (up && (step.branchMove || anyMissing(step.from)) && anyMissing(step.to)) {
    insert(out, step.to.front());
    return out;
  }
  if (step.from.size() > 1) {
    for (size_t k = 0; k + 1 < step.from.size(); ++k) remove(out, step.from[k]);
    update(out, step.from.back(), step.to.front());
    return out;
  }
  if (step.to.size() > 1) {
    for (size_t k = 0; k + 1 < step.to.size(); ++k) insert(out, step.to[k]);
    update(out, step.from.front(), step.to.back());
    return out;
  }
  update(out, step.from.front(), step.to.front());
  return out;
}

}  // namespace retort::engine
