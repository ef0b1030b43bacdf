#include "operator/schema_version/metric_values.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

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

std::optional<double> unixSeconds(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0;
  double second = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6)
    return std::nullopt;
  std::tm utc{};
  utc.tm_year = year - 1900;
  utc.tm_mon = month - 1;
  utc.tm_mday = day;
  utc.tm_hour = hour;
  utc.tm_min = minute;
  double seconds = static_cast<double>(timegm(&utc)) + second;
  const std::string zone = text.substr(static_cast<std::size_t>(consumed));
  int offsetHours = 0, offsetMinutes = 0;
  if (zone == "Z" || zone == "z") return seconds;
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') &&
      std::sscanf(zone.c_str() + 1, "%2d:%2d", &offsetHours, &offsetMinutes) == 2) {
    const double offset = offsetHours * 3600.0 + offsetMinutes * 60.0;
    return zone[0] == '+' ? seconds - offset : seconds + offset;
  }
  return std::nullopt;
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
