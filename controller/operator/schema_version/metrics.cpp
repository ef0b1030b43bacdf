#include "operator/schema_version/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <functional>
#include <set>

namespace retort::op {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Histogram;
using prometheus::Labels;

const Histogram::BucketBoundaries kFastBuckets = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                  0.25,  0.5,   1,    2.5,   5,    10};
const Histogram::BucketBoundaries kRunBuckets = {0.5, 1,   2.5, 5,   10,   30,
                                                 60,  120, 300, 600, 1800, 3600};
const char* const kController = "schemaversion";

double seconds(Duration duration) {
  return std::chrono::duration<double>(duration).count();
}

}  // namespace

// The run series of one SchemaVersion (created by its first run in this process), so that
// deleting the object removes them all.
struct ControllerMetrics::Series {
  Labels labels;  // namespace, name
  std::set<std::pair<Family<Counter>*, Counter*>> counters;
  std::set<std::pair<Family<Histogram>*, Histogram*>> histograms;

  Labels with(const Labels& extra) const {
    Labels all = labels;
    all.insert(extra.begin(), extra.end());
    return all;
  }
  Counter& counter(Family<Counter>* family, const Labels& extra) {
    Counter& c = family->Add(with(extra));
    counters.emplace(family, &c);
    return c;
  }
  Histogram& histogram(Family<Histogram>* family, const Labels& extra) {
    Histogram& h = family->Add(with(extra), kRunBuckets);
    histograms.emplace(family, &h);
    return h;
  }
  void removeAll() {
    for (auto& [family, c] : counters) family->Remove(c);
    for (auto& [family, h] : histograms) family->Remove(h);
    counters.clear();
    histograms.clear();
  }
};

ControllerMetrics::ControllerMetrics() : registry_(std::make_shared<prometheus::Registry>()) {
  prometheus::Registry& r = *registry_;
  migrationDuration_ = &prometheus::BuildHistogram()
                            .Name("retort_migration_duration_seconds")
                            .Help("Duration of migration runs, from the Job's RunReport")
                            .Register(r);
  backupDuration_ = &prometheus::BuildHistogram()
                         .Name("retort_backup_duration_seconds")
                         .Help("Duration of the backups taken before migrations")
                         .Register(r);
  rehearsalDuration_ = &prometheus::BuildHistogram()
                            .Name("retort_rehearsal_duration_seconds")
                            .Help("Duration of rehearsals on a restored copy (restore and steps)")
                            .Register(r);
  rehearsals_ = &prometheus::BuildCounter()
                     .Name("retort_rehearsals_total")
                     .Help("Rehearsals on a restored copy by result (succeeded, failed)")
                     .Register(r);
  migrations_ = &prometheus::BuildCounter()
                     .Name("retort_migrations_total")
                     .Help("Migration runs by result and the report's reason")
                     .Register(r);
  lockRetries_ = &prometheus::BuildCounter()
                      .Name("retort_lock_retries_total")
                      .Help("Steps tried again after they waited longer than the lock budget")
                      .Register(r);
  backups_ = &prometheus::BuildCounter()
                  .Name("retort_backups_total")
                  .Help("Backups by result (succeeded, failed, skipped)")
                  .Register(r);
  reconciles_ = &prometheus::BuildCounter()
                     .Name("retort_reconcile_total")
                     .Help("Reconciles by result (success, error, requeue)")
                     .Register(r);
  reconcileDuration_ = &prometheus::BuildHistogram()
                            .Name("retort_reconcile_duration_seconds")
                            .Help("Time one reconcile took")
                            .Register(r)
                            .Add({{"controller", kController}}, kFastBuckets);
  const Labels queue = {{"name", kController}};
  queueDepth_ = &prometheus::BuildGauge()
                     .Name("retort_workqueue_depth")
                     .Help("Keys waiting in the work queue")
                     .Register(r)
                     .Add(queue);
  queueAdds_ = &prometheus::BuildCounter()
                    .Name("retort_workqueue_adds_total")
                    .Help("Keys added to the work queue")
                    .Register(r)
                    .Add(queue);
  queueRetries_ = &prometheus::BuildCounter()
                       .Name("retort_workqueue_retries_total")
                       .Help("Keys queued again with backoff after a failed reconcile")
                       .Register(r)
                       .Add(queue);
  queueDuration_ = &prometheus::BuildHistogram()
                        .Name("retort_workqueue_queue_duration_seconds")
                        .Help("Time a key waited in the work queue before a worker took it")
                        .Register(r)
                        .Add(queue, kFastBuckets);
  leader_ = &prometheus::BuildGauge()
                 .Name("retort_leader_is_leader")
                 .Help("1 while this process holds the leader Lease (or runs without election)")
                 .Register(r)
                 .Add({});
}

ControllerMetrics::~ControllerMetrics() = default;

void ControllerMetrics::write(const MetricsSink& out) const {
  out(prometheus::TextSerializer().Serialize(registry_->Collect()));
  schemaVersions_.write(out);
}

void ControllerMetrics::added() {
  queueAdds_->Increment();
}
void ControllerMetrics::retried() {
  queueRetries_->Increment();
}
void ControllerMetrics::depth(std::size_t keys) {
  queueDepth_->Set(static_cast<double>(keys));
}
void ControllerMetrics::waited(Duration queued) {
  queueDuration_->Observe(seconds(queued));
}

void ControllerMetrics::observeReconcile(const ReconcileObservation& observation) {
  const char* result = "success";
  if (observation.outcome == ReconcileOutcome::Requeue) result = "requeue";
  if (observation.outcome == ReconcileOutcome::Error ||
      observation.outcome == ReconcileOutcome::TerminalError)
    result = "error";
  reconciles_->Add({{"controller", kController}, {"result", result}}).Increment();
  reconcileDuration_->Observe(seconds(observation.elapsed));
}

void ControllerMetrics::setLeader(bool leading) {
  leader_->Set(leading ? 1 : 0);
}

ControllerMetrics::Series& ControllerMetrics::seriesLocked(const std::string& ns,
                                                           const std::string& name) {
  std::unique_ptr<Series>& series = series_[ns + "/" + name];
  if (!series) {
    series = std::make_unique<Series>();
    series->labels = {{"namespace", ns}, {"name", name}};
  }
  return *series;
}

void ControllerMetrics::recordSchemaVersion(const std::string& ns, const std::string& name,
                                            const SchemaVersionStatus& status) {
  schemaVersions_.set(ns, name, schemaVersionGauges(status));
}

void ControllerMetrics::recordRun(const std::string& ns, const std::string& name,
                                  const RunMetrics& run) {
  std::lock_guard lock(mutex_);
  Series& s = seriesLocked(ns, name);
  s.counter(migrations_, {{"result", run.result}, {"reason", run.reason}}).Increment();
  s.histogram(migrationDuration_, {{"direction", run.direction}}).Observe(run.migrationSeconds);
  s.counter(backups_, {{"result", run.backupResult}}).Increment();
  if (run.lockRetries > 0)
    s.counter(lockRetries_, {}).Increment(static_cast<double>(run.lockRetries));
  if (run.backupSeconds) s.histogram(backupDuration_, {}).Observe(*run.backupSeconds);
}

void ControllerMetrics::recordRehearsal(const std::string& ns, const std::string& name,
                                        bool succeeded, double seconds) {
  std::lock_guard lock(mutex_);
  Series& s = seriesLocked(ns, name);
  s.counter(rehearsals_, {{"result", succeeded ? "succeeded" : "failed"}}).Increment();
  s.histogram(rehearsalDuration_, {}).Observe(seconds);
}

void ControllerMetrics::recordDriftCheck(const std::string& ns, const std::string& name,
                                         DriftCheckResult result) {
  schemaVersions_.countDriftCheck(ns, name, result);
}

void ControllerMetrics::removeSchemaVersion(const std::string& ns, const std::string& name) {
  schemaVersions_.remove(ns, name);
  std::lock_guard lock(mutex_);
  const auto found = series_.find(ns + "/" + name);
  if (found == series_.end()) return;
  found->second->removeAll();
  series_.erase(found);
}

}  // namespace retort::op
