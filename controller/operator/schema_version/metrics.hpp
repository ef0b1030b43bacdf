// The controller's Prometheus metrics (names and labels: DESIGN.md section 8, docs/operator.md
// "Metrics"): per-SchemaVersion gauges and drift checks (schema_version_series.hpp), run
// counters and histograms, reconciles, the work queue (as its WorkQueueObserver) and leadership;
// /metrics serves what write() writes next to the process's own memory and CPU. Every series of a
// SchemaVersion is removed when the object is deleted, so a scrape never shows objects that no
// longer exist. Thread-safe; values come from metric_values.hpp.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "operator/runtime/work_queue_observer.hpp"
#include "operator/runtime/worker.hpp"
#include "operator/schema_version/metric_values.hpp"
#include "operator/schema_version/schema_version_series.hpp"

namespace prometheus {
class Registry;
class Gauge;
class Counter;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace retort::op {

class ControllerMetrics final : public WorkQueueObserver {
 public:
  ControllerMetrics();
  ~ControllerMetrics() override;
  ControllerMetrics(const ControllerMetrics&) = delete;
  ControllerMetrics& operator=(const ControllerMetrics&) = delete;

  // Writes every series in the text exposition format: the registry's, then the
  // per-SchemaVersion ones a chunk at a time (what /metrics serves before the process metrics).
  void write(const MetricsSink& out) const;

  // The work queue ("schemaversion").
  void added() override;
  void retried() override;
  void depth(std::size_t keys) override;
  void waited(Duration queued) override;

  void observeReconcile(const ReconcileObservation& observation);
  void setLeader(bool leading);

  // The object's current status (called after each reconcile; cheap when nothing changed).
  void recordSchemaVersion(const std::string& ns, const std::string& name,
                           const SchemaVersionStatus& status);
  // A run that just reached its outcome (counted once per run).
  void recordRun(const std::string& ns, const std::string& name, const RunMetrics& run);
  // A rehearsal that just ended (succeeded or failed; counted once per rehearsal Job).
  void recordRehearsal(const std::string& ns, const std::string& name, bool succeeded,
                       double seconds);
  void recordDriftCheck(const std::string& ns, const std::string& name, DriftCheckResult result);
  // The object is gone: drop every series labelled with it.
  void removeSchemaVersion(const std::string& ns, const std::string& name);

 private:
  struct Series;  // the run metrics of one SchemaVersion, for removal
  Series& seriesLocked(const std::string& ns, const std::string& name);

  std::shared_ptr<prometheus::Registry> registry_;
  SchemaVersionSeries schemaVersions_;
  prometheus::Family<prometheus::Histogram>* migrationDuration_;
  prometheus::Family<prometheus::Histogram>* backupDuration_;
  prometheus::Family<prometheus::Histogram>* rehearsalDuration_;
  prometheus::Family<prometheus::Counter>* rehearsals_;
  prometheus::Family<prometheus::Counter>* migrations_;
  prometheus::Family<prometheus::Counter>* lockRetries_;
  prometheus::Family<prometheus::Counter>* backups_;
  prometheus::Family<prometheus::Counter>* reconciles_;
  prometheus::Histogram* reconcileDuration_;
  prometheus::Gauge* queueDepth_;
  prometheus::Counter* queueAdds_;
  prometheus::Counter* queueRetries_;
  prometheus::Histogram* queueDuration_;
  prometheus::Gauge* leader_;

  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Series>> series_;  // by "namespace/name"; ran here only
};

}  // namespace retort::op
