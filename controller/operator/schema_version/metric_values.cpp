#include "operator/schema_version/metric_values.hpp"

#include <algorithm>

#include "operator/schema_version/conditions.hpp"

namespace retort::op {

std::string joinRevisions(std::vector<std::string> revisions) {
  std::sort(revisions.begin(), revisions.end());
  std::string out;
  for (const std::string& revision : revisions) out += (out.empty() ? "" : ",") + revision;
  return out;
}

std::string describeRevisions(const std::vector<std::string>& revisions) {
  return revisions.empty() ? "(base)" : joinRevisions(revisions);
}

bool sameRevisions(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return joinRevisions(a) == joinRevisions(b);
}

SchemaVersionGauges schemaVersionGauges(const SchemaVersionStatus& status) {
  SchemaVersionGauges g;
  if (status.gate) {
    g.gate = status.gate->name;
    g.gateWaitingSince = unixSeconds(status.gate->since);
  }
  g.current = joinRevisions(status.currentRevisions);
  g.target = joinRevisions(status.targetRevisions);
  g.ready = isConditionTrue(status.conditions, condition::kReady) ? 1 : 0;
  g.stalled = isConditionTrue(status.conditions, condition::kStalled) ? 1 : 0;
  g.drifted = isConditionTrue(status.conditions, condition::kDrifted) ? 1 : 0;
  g.pendingSteps = g.ready == 1 || !status.plan ? 0 : static_cast<double>(status.plan->steps);
  if (status.lastRun) {
    const std::string& outcome = status.lastRun->outcome;
    if (outcome == "Succeeded" || outcome == "NothingToDo" || outcome == "Planned")
      g.lastSuccessTimestamp = unixSeconds(status.lastRun->completionTime);
  }
  if (status.lastBackup) g.lastBackupTimestamp = unixSeconds(status.lastBackup->time);
  return g;
}

RunMetrics runMetrics(const RunReport& report, bool succeeded) {
  RunMetrics m;
  m.direction =
      report.direction == "upgrade" || report.direction == "downgrade" ? report.direction : "none";
  m.result = succeeded ? "succeeded" : "failed";
  m.reason = !report.reason.empty()    ? report.reason
             : !report.outcome.empty() ? report.outcome
                                       : (succeeded ? "Succeeded" : "Failed");
  m.migrationSeconds = report.seconds;
  m.lockRetries = report.lockRetries;
  if (report.backup && !report.backup->file.empty()) {
    m.backupResult = "succeeded";
    m.backupSeconds = report.backup->seconds;
  } else if (report.outcome == "BackupFailed") {
    m.backupResult = "failed";
    if (report.backup) m.backupSeconds = report.backup->seconds;
  } else {
    m.backupResult = "skipped";
  }
  return m;
}

}  // namespace retort::op
