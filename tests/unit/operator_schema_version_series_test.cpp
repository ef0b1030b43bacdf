// The per-SchemaVersion series as /metrics shows them: one row per object, written as
// Prometheus text at collect time.
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <string>

#include "operator/schema_version/schema_version_series.hpp"

namespace retort::op {
namespace {

std::string scrape(const SchemaVersionSeries& series) {
  return prometheus::TextSerializer().Serialize(series.Collect());
}

SchemaVersionGauges ready(const std::string& current, const std::string& target) {
  SchemaVersionGauges g;
  g.current = current;
  g.target = target;
  g.ready = 1;
  g.lastSuccessTimestamp = 1767225603.0;
  return g;
}

TEST(OperatorSchemaVersionSeries, WritesEveryGaugeOfAnObjectWithSortedLabels) {
  SchemaVersionSeries series;
  series.set("shop", "sweets", ready("a1", "a1"));
  const std::string text = scrape(series);
  EXPECT_NE(text.find("retort_schemaversion_info{current=\"a1\",name=\"sweets\",namespace=\"shop\","
                      "target=\"a1\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("retort_schemaversion_ready{name=\"sweets\",namespace=\"shop\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("retort_schemaversion_stalled{name=\"sweets\",namespace=\"shop\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("retort_schemaversion_pending_steps{name=\"sweets\",namespace=\"shop\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("retort_schemaversion_drifted{name=\"sweets\",namespace=\"shop\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("retort_schemaversion_last_success_timestamp_seconds{name=\"sweets\","
                      "namespace=\"shop\"} 1767225603\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE retort_schemaversion_ready gauge\n"), std::string::npos);
  // No backup recorded, no drift check yet: neither series nor an empty family.
  EXPECT_EQ(text.find("retort_schemaversion_last_backup_timestamp_seconds"), std::string::npos);
  EXPECT_EQ(text.find("retort_drift_checks_total"), std::string::npos);
}

TEST(OperatorSchemaVersionSeries, AMoveWaitingOnAGateSaysWhichAndSinceWhen) {
  SchemaVersionStatus status;
  status.gate = GateStatus{"Approval", "AwaitingApproval", "m", "2026-01-01T00:00:03Z"};
  SchemaVersionSeries series;
  series.set("shop", "sweets", schemaVersionGauges(status));
  const std::string text = scrape(series);
  EXPECT_NE(text.find("retort_schemaversion_gate_waiting_since_timestamp_seconds{gate=\"Approval\","
                      "name=\"sweets\",namespace=\"shop\"} 1767225603\n"),
            std::string::npos)
      << text;
  series.set("shop", "sweets", schemaVersionGauges(SchemaVersionStatus{}));
  EXPECT_EQ(scrape(series).find("gate=\"Approval\""), std::string::npos);
}

TEST(OperatorSchemaVersionSeries, ANewRevisionReplacesTheInfoSeries) {
  SchemaVersionSeries series;
  series.set("shop", "sweets", ready("a1", "b2"));
  series.set("shop", "sweets", ready("b2", "b2"));
  const std::string text = scrape(series);
  EXPECT_EQ(text.find("current=\"a1\""), std::string::npos) << text;
  EXPECT_NE(text.find("current=\"b2\""), std::string::npos);
  EXPECT_EQ(series.Collect().front().metric.size(), 1u);
}

TEST(OperatorSchemaVersionSeries, CountsDriftChecksByResultFromTheFirstCheck) {
  SchemaVersionSeries series;
  series.countDriftCheck("shop", "sweets", DriftCheckResult::Drifted);
  series.countDriftCheck("shop", "sweets", DriftCheckResult::Drifted);
  series.countDriftCheck("shop", "sweets", DriftCheckResult::Failed);
  const std::string text = scrape(series);
  EXPECT_NE(text.find("# TYPE retort_drift_checks_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("retort_drift_checks_total{name=\"sweets\",namespace=\"shop\","
                      "result=\"drifted\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("retort_drift_checks_total{name=\"sweets\",namespace=\"shop\","
                      "result=\"failed\"} 1\n"),
            std::string::npos);
  EXPECT_EQ(text.find("result=\"in_sync\""), std::string::npos);
  // Counted before any status was recorded: no gauges yet.
  EXPECT_EQ(text.find("retort_schemaversion_ready"), std::string::npos);
}

TEST(OperatorSchemaVersionSeries, RemovingAnObjectDropsEveryOneOfItsSeries) {
  SchemaVersionSeries series;
  series.set("shop", "sweets", ready("a1", "a1"));
  series.countDriftCheck("shop", "sweets", DriftCheckResult::InSync);
  series.set("shop", "candy", ready("a1", "a1"));
  series.remove("shop", "sweets");
  const std::string text = scrape(series);
  EXPECT_EQ(text.find("name=\"sweets\""), std::string::npos) << text;
  EXPECT_NE(text.find("name=\"candy\""), std::string::npos);
  series.remove("shop", "candy");
  EXPECT_TRUE(series.Collect().empty());
}

TEST(OperatorSchemaVersionSeries, WritesInChunksTheTextPrometheusCppSerializesAtOnce) {
  SchemaVersionSeries series;
  for (int i = 0; i < 10; ++i) {
    const std::string name = "sv-" + std::to_string(i);
    SchemaVersionGauges gauges = ready("a1", i % 3 ? "a1" : "b2");
    if (i % 2) gauges.lastBackupTimestamp = 1767225601.5;
    if (i != 4) series.set(i % 2 ? "shop" : "bakery", name, gauges);
    if (i % 4 == 0) series.countDriftCheck("shop", name, DriftCheckResult::Drifted);
    series.countDriftCheck("shop", name, DriftCheckResult::InSync);
  }
  const std::string whole = scrape(series);
  for (const std::size_t rowsPerChunk : {1u, 3u, 10u, 256u}) {
    std::string written;
    int pieces = 0;
    series.write(
        [&](std::string_view piece) {
          written += piece;
          ++pieces;
        },
        rowsPerChunk);
    EXPECT_EQ(written, whole) << "rowsPerChunk " << rowsPerChunk;
    if (rowsPerChunk == 1) {
      EXPECT_GT(pieces, 8);  // more than one piece per family
    }
  }
  std::string empty;
  SchemaVersionSeries().write([&](std::string_view piece) { empty += piece; });
  EXPECT_EQ(empty, "");
}

}  // namespace
}  // namespace retort::op
