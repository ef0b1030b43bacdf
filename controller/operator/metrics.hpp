// The controller's Prometheus metrics (names and labels: DESIGN.md section 8, docs/operator.md
// "Metrics"): per-SchemaVersion gauges, run counters and histograms, drift checks, reconciles,
// the work queue (as its WorkQueueObserver), leadership, and the process's own memory and CPU.
// Every series of a SchemaVersion is removed when the object is deleted, so a scrape never shows
// objects that no longer exist. Thread-safe; values come from metric_values.hpp.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "operator/metric_values.hpp"
#include "operator/work_queue_observer.hpp"
#include "operator/worker.hpp"

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

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

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
  // result: in_sync | drifted | failed
  void recordDriftCheck(const std::string& ns, const std::string& name, const std::string& result);
  // The object is gone: drop every series labelled with it.
  void removeSchemaVersion(const std::string& ns, const std::string& name);

 private:
  struct Series;  // the metrics of one SchemaVersion, for removal
  Series& seriesLocked(const std::string& ns, const std::string& name);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>* info_;
  prometheus::Family<prometheus::Gauge>* ready_;
  prometheus::Family<prometheus::Gauge>* stalled_;
  prometheus::Family<prometheus::Gauge>* pendingSteps_;
  prometheus::Family<prometheus::Gauge>* drifted_;
  prometheus::Family<prometheus::Gauge>* lastSuccess_;
  prometheus::Family<prometheus::Gauge>* lastBackup_;
  prometheus::Family<prometheus::Histogram>* migrationDuration_;
  prometheus::Family<prometheus::Histogram>* backupDuration_;
  prometheus::Family<prometheus::Counter>* migrations_;
  prometheus::Family<prometheus::Counter>* backups_;
  prometheus::Family<prometheus::Counter>* driftChecks_;
  prometheus::Family<prometheus::Counter>* reconciles_;
  prometheus::Histogram* reconcileDuration_;
  prometheus::Gauge* queueDepth_;
  prometheus::Counter* queueAdds_;
  prometheus::Counter* queueRetries_;
  prometheus::Histogram* queueDuration_;
  prometheus::Gauge* leader_;

  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Series>> series_;  // by "namespace/name"
};

}  // namespace retort::op
