// The side table (`<version table>_history`) that records every step Retort runs: what,
// which way, the script's checksum, who, when, how long, and whether it worked. Alembic never
// reads it, so the version table stays exactly Alembic's. `verify` compares its checksums.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/runtime/connection.hpp"
#include "engine/runtime/version_table.hpp"

namespace retort::engine {

struct HistoryRecord {
  std::string revision;   // the revision run (for stamps: the destination, or the origin at base)
  std::string operation;  // upgrade, downgrade or stamp
  std::string fromRevisions;  // comma-separated
  std::string toRevisions;
  std::string checksum;  // empty for stamps
  double durationMs = 0;
  bool success = true;
  std::string error;
};

class HistoryTable {
 public:
  HistoryTable(Connection& connection, VersionTableName name)
      : connection_(connection), name_(std::move(name)) {}

  void create();
  bool exists();
  // The INSERT for `record`, started at the statement's transaction time minus its duration.
  std::string insertSql(const HistoryRecord& record) const;

  struct AppliedChecksum {
    std::string revision;
    std::string checksum;
    std::string appliedAt;
  };
  // For each revision, the checksum of its most recent successful upgrade.
  std::vector<AppliedChecksum> lastUpgradeChecksums();

  // The run id (`retort run --run-id`) recorded with every later record, so the run's report
  // and its rows can be matched; empty: NULL.
  void setRunId(std::string runId) { runId_ = std::move(runId); }

 private:
  Connection& connection_;
  VersionTableName name_;
  std::string runId_;
};

}  // namespace retort::engine
