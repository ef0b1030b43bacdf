// The values the controller's Prometheus metrics show, computed from a SchemaVersion's status
// or a finished run's RunReport (docs/operator.md "Metrics", DESIGN.md section 8). Pure, so
// what a gauge or label says is unit-tested without a registry; metrics.hpp only publishes them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/util/rfc3339.hpp"
#include "operator/schema_version/run_report.hpp"
#include "operator/schema_version/schema_version.hpp"

namespace retort::op {

struct SchemaVersionGauges {
  std::string current;  // revision ids joined by ",", sorted; "" when none
  std::string target;
  double ready = 0;
  double stalled = 0;
  double drifted = 0;
  double pendingSteps = 0;                     // the last plan's steps, 0 once Ready
  std::optional<double> lastSuccessTimestamp;  // unix seconds of lastRun's completion, if a success
  std::optional<double> lastBackupTimestamp;   // unix seconds of lastBackup.time
  std::string gate;                            // status.gate's name while a move waits on one
  std::optional<double> gateWaitingSince;      // unix seconds of status.gate.since
};

SchemaVersionGauges schemaVersionGauges(const SchemaVersionStatus& status);

// What one finished run adds to the counters and histograms.
struct RunMetrics {
  std::string direction;  // upgrade | downgrade | none
  std::string result;     // succeeded | failed
  std::string reason;     // the report's reason (its outcome when it has none)
  double migrationSeconds = 0;
  std::string backupResult;  // succeeded | failed | skipped
  std::optional<double> backupSeconds;
  std::int64_t lockRetries = 0;
};

RunMetrics runMetrics(const RunReport& report, bool succeeded);

// "2026-01-01T00:00:03Z" (fractional seconds and offsets allowed) as unix seconds.
using engine::unixSeconds;

// "a,b" of the sorted ids ("" for none).
std::string joinRevisions(std::vector<std::string> revisions);
// The same for messages: "(base)" for none.
std::string describeRevisions(const std::vector<std::string>& revisions);
// The same heads, in any order.
bool sameRevisions(const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace retort::op
