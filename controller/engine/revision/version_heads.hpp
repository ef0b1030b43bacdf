// The rows of the version table as a run moves through its steps, and the single
// INSERT / UPDATE / DELETE (or merge / unmerge combination) each step makes to them:
// a port of Alembic's HeadMaintainer.update_to_step, so both tools leave the same rows.
#pragma once

#include <string>
#include <vector>

#include "engine/revision/migration_step.hpp"

namespace retort::engine {

struct VersionChange {
  enum class Op { Insert, Update, Delete };
  Op op;
  std::string from;  // Update, Delete
  std::string to;    // Insert, Update
};

class VersionHeads {
 public:
  VersionHeads(const RevisionGraph& graph, std::vector<std::string> rows)
      : graph_(graph), rows_(std::move(rows)) {}

  // The changes `step` makes, applied to the rows held here.
  std::vector<VersionChange> advance(const MigrationStep& step);
  const std::vector<std::string>& rows() const { return rows_; }

 private:
  bool has(const std::string& id) const;
  // Ids of `candidates` that are not ancestors of any row other than `except`.
  std::vector<std::string> notImpliedByOtherRows(const std::vector<std::string>& candidates,
                                                 const std::vector<std::string>& except) const;
  void insert(std::vector<VersionChange>& out, const std::string& id);
  void update(std::vector<VersionChange>& out, const std::string& from, const std::string& to);
  void remove(std::vector<VersionChange>& out, const std::string& id);
  std::vector<VersionChange> advanceRevision(const MigrationStep& step);
  std::vector<VersionChange> advanceStamp(const MigrationStep& step);

  const RevisionGraph& graph_;
  std::vector<std::string> rows_;
};

}  // namespace retort::engine
