// What the controller's metrics say about a SchemaVersion and a run; and its bind addresses.
#include <gtest/gtest.h>

#include <stdexcept>

#include "operator/runtime/bind_address.hpp"
#include "operator/schema_version/metric_values.hpp"

namespace retort::op {
namespace {

Condition condition(const char* type, const char* status) {
  return Condition{type, status, "R", "", 1, "2026-01-01T00:00:00Z"};
}

TEST(OperatorMetricValues, GaugesOfAReadySchemaVersion) {
  SchemaVersionStatus status;
  status.currentRevisions = {"b2", "a1"};
  status.targetRevisions = {"a1", "b2"};
  status.plan = Plan{"upgrade", 3, {}, {"a1", "b2"}, false, "h", "", ""};
  status.lastRun =
      LastRun{"job", "2026-01-01T00:00:00Z", "2026-01-01T00:00:03Z", "Succeeded", "Migrated", ""};
  status.lastBackup = LastBackup{"/backups/x.dump", 1, "s", "2026-01-01T00:00:01.500Z"};
  status.conditions = {condition("Ready", "True"), condition("Stalled", "False"),
                       condition("Drifted", "False")};
  const SchemaVersionGauges g = schemaVersionGauges(status);
  EXPECT_EQ(g.current, "a1,b2");
  EXPECT_EQ(g.target, "a1,b2");
  EXPECT_EQ(g.ready, 1);
  EXPECT_EQ(g.stalled, 0);
  EXPECT_EQ(g.drifted, 0);
  EXPECT_EQ(g.pendingSteps, 0);  // Ready: nothing pending
  EXPECT_EQ(g.lastSuccessTimestamp, 1767225603.0);
  EXPECT_EQ(g.lastBackupTimestamp, 1767225601.5);
}

TEST(OperatorMetricValues, GaugesOfAStalledSchemaVersion) {
  SchemaVersionStatus status;
  status.plan = Plan{"upgrade", 3, {}, {"b2"}, false, "h", "", ""};
  status.lastRun = LastRun{"job", "", "2026-01-01T00:00:03Z", "Failed", "StepFailed", "x"};
  status.conditions = {condition("Ready", "False"), condition("Stalled", "True")};
  const SchemaVersionGauges g = schemaVersionGauges(status);
  EXPECT_EQ(g.current, "");
  EXPECT_EQ(g.stalled, 1);
  EXPECT_EQ(g.pendingSteps, 3);
  EXPECT_EQ(g.lastSuccessTimestamp, std::nullopt);  // a failure is no success
}

TEST(OperatorMetricValues, UnixSecondsReadsRfc3339) {
  EXPECT_EQ(unixSeconds("1970-01-01T00:01:00Z"), 60.0);
  EXPECT_EQ(unixSeconds("1970-01-01T01:00:00+01:00"), 0.0);
  EXPECT_EQ(unixSeconds("yesterday"), std::nullopt);
  EXPECT_EQ(unixSeconds(""), std::nullopt);
}

TEST(OperatorMetricValues, ARunCountsItsResultReasonAndBackup) {
  RunReport report;
  report.outcome = "Succeeded";
  report.reason = "Migrated";
  report.direction = "downgrade";
  report.seconds = 4;
  report.backup = BackupReport{"/backups/x.dump", 1, "s", 1.5};
  RunMetrics m = runMetrics(report, true);
  EXPECT_EQ(m.result, "succeeded");
  EXPECT_EQ(m.reason, "Migrated");
  EXPECT_EQ(m.direction, "downgrade");
  EXPECT_EQ(m.backupResult, "succeeded");
  EXPECT_EQ(m.backupSeconds, 1.5);

  RunReport refused;
  refused.outcome = "Refused";
  refused.reason = "PolicyRefused";
  m = runMetrics(refused, false);
  EXPECT_EQ(m.result, "failed");
  EXPECT_EQ(m.reason, "PolicyRefused");
  EXPECT_EQ(m.direction, "none");
  EXPECT_EQ(m.backupResult, "skipped");

  RunReport backupFailed;
  backupFailed.outcome = "BackupFailed";
  EXPECT_EQ(runMetrics(backupFailed, false).backupResult, "failed");
  EXPECT_EQ(runMetrics(backupFailed, false).reason, "BackupFailed");
}

TEST(OperatorMetricValues, ARunCountsTheStepsItTriedAgainAfterALockTimeout) {
  const std::optional<RunReport> report = parseRunReport(
      R"({"kind":"RunReport","outcome":"Succeeded","reason":"Migrated","lockRetries":3})");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->lockRetries, 3);
  EXPECT_EQ(runMetrics(*report, true).lockRetries, 3);
  EXPECT_EQ(runMetrics(RunReport{}, true).lockRetries, 0);
}

TEST(OperatorBindAddress, FlagSpellingsBecomeCivetwebPorts) {
  EXPECT_EQ(civetwebPorts("127.0.0.1:8080"), "127.0.0.1:8080");
  EXPECT_EQ(civetwebPorts(":8080"), "8080");
  EXPECT_EQ(civetwebPorts("0.0.0.0:9090"), "9090");
  EXPECT_EQ(civetwebPorts("0"), std::nullopt);
  EXPECT_THROW(civetwebPorts("localhost"), std::invalid_argument);
  EXPECT_THROW(civetwebPorts("127.0.0.1:http"), std::invalid_argument);
  EXPECT_THROW(civetwebPorts("127.0.0.1:70000"), std::invalid_argument);
}

}  // namespace
}  // namespace retort::op
