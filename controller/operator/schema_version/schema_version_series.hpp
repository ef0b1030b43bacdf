// The per-SchemaVersion series of /metrics (retort_schemaversion_* gauges and
// retort_drift_checks_total) kept as one compact row per object and turned into metric families
// only when Prometheus scrapes, as kube-state-metrics does. prometheus-cpp keeps every series as
// a label map plus a metric object, about 4 KB for the eight series of one SchemaVersion; a row
// is about 270 bytes (bench/operator/series_heap.cpp). Thread-safe: set/count/remove come from
// the workers, write() from the /metrics server's thread.
// Labels come out sorted by name, as prometheus-cpp writes them.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "operator/runtime/metrics_sink.hpp"
#include "operator/schema_version/metric_values.hpp"

namespace retort::op {

enum class DriftCheckResult { InSync, Drifted, Failed };
const char* driftCheckResultName(DriftCheckResult result);  // in_sync | drifted | failed

class SchemaVersionSeries final : public prometheus::Collectable {
 public:
  void set(const std::string& ns, const std::string& name, SchemaVersionGauges gauges);
  void countDriftCheck(const std::string& ns, const std::string& name, DriftCheckResult result);
  void remove(const std::string& ns, const std::string& name);

  // Every series at once, as prometheus-cpp collects (one snapshot).
  std::vector<prometheus::MetricFamily> Collect() const override;
  // The text TextSerializer makes of Collect(), family by family, built and handed to `out`
  // rowsPerChunk rows at a time: a scrape holds one chunk's metric objects and text, not all
  // of them (8 series per object: 80,000 metric objects for 10,000 objects). A chunk sees the
  // rows as they are when it is built.
  void write(const MetricsSink& out, std::size_t rowsPerChunk = 256) const;

 private:
  using Key = std::pair<std::string, std::string>;  // namespace, name
  struct Row {
    SchemaVersionGauges gauges;
    bool hasGauges = false;  // a drift check can be counted before the first status is
    std::array<std::uint64_t, 3> driftChecks{};  // by DriftCheckResult
  };
  struct FamilySpec;
  static const std::array<FamilySpec, 9>& families();

  mutable std::mutex mutex_;
  std::map<Key, Row> rows_;
};

}  // namespace retort::op
