#include "operator/schema_version_series.hpp"

namespace retort::op {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr std::array<DriftCheckResult, 3> kDriftCheckResults = {
    DriftCheckResult::InSync, DriftCheckResult::Drifted, DriftCheckResult::Failed};

MetricFamily family(const char* name, const char* help, MetricType type) {
  MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  return f;
}

// name and namespace, then any further labels (already in name order, all after "namespace").
ClientMetric metric(const std::string& ns, const std::string& name,
                    std::vector<ClientMetric::Label> more = {}) {
  ClientMetric m;
  m.label.reserve(2 + more.size());
  m.label.push_back({"name", name});
  m.label.push_back({"namespace", ns});
  for (auto& label : more) m.label.push_back(std::move(label));
  return m;
}

void addGauge(MetricFamily& f, const std::string& ns, const std::string& name, double value) {
  ClientMetric m = metric(ns, name);
  m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

}  // namespace

const char* driftCheckResultName(DriftCheckResult result) {
  switch (result) {
    case DriftCheckResult::InSync:
      return "in_sync";
    case DriftCheckResult::Drifted:
      return "drifted";
    case DriftCheckResult::Failed:
      return "failed";
  }
  return "failed";
}

void SchemaVersionSeries::set(const std::string& ns, const std::string& name,
                              SchemaVersionGauges gauges) {
  std::lock_guard lock(mutex_);
  Row& row = rows_[{ns, name}];
  row.gauges = std::move(gauges);
  row.hasGauges = true;
}

void SchemaVersionSeries::countDriftCheck(const std::string& ns, const std::string& name,
                                          DriftCheckResult result) {
  std::lock_guard lock(mutex_);
  ++rows_[{ns, name}].driftChecks[static_cast<std::size_t>(result)];
}

void SchemaVersionSeries::remove(const std::string& ns, const std::string& name) {
  std::lock_guard lock(mutex_);
  rows_.erase({ns, name});
}

std::vector<MetricFamily> SchemaVersionSeries::Collect() const {
  MetricFamily info = family("retort_schemaversion_info",
                             "SchemaVersion revisions: 1, labelled with the current and target ids",
                             MetricType::Gauge);
  MetricFamily ready =
      family("retort_schemaversion_ready", "1 when the Ready condition is True", MetricType::Gauge);
  MetricFamily stalled = family("retort_schemaversion_stalled",
                                "1 when the Stalled condition is True", MetricType::Gauge);
  MetricFamily pendingSteps =
      family("retort_schemaversion_pending_steps",
             "Steps of the last computed plan not yet applied (0 when Ready)", MetricType::Gauge);
  MetricFamily drifted =
      family("retort_schemaversion_drifted",
             "1 when the database moved away from its target out of band", MetricType::Gauge);
  MetricFamily lastSuccess = family("retort_schemaversion_last_success_timestamp_seconds",
                                    "Unix time of the last successful run", MetricType::Gauge);
  MetricFamily lastBackup = family("retort_schemaversion_last_backup_timestamp_seconds",
                                   "Unix time of the last verified backup", MetricType::Gauge);
  MetricFamily driftChecks =
      family("retort_drift_checks_total", "Drift checks by result (in_sync, drifted, failed)",
             MetricType::Counter);

  std::lock_guard lock(mutex_);
  for (const auto& [key, row] : rows_) {
    const auto& [ns, name] = key;
    if (row.hasGauges) {
      const SchemaVersionGauges& g = row.gauges;
      // current < name < namespace < target: the labels in name order.
      ClientMetric m;
      m.label = {{"current", g.current}, {"name", name}, {"namespace", ns}, {"target", g.target}};
      m.gauge.value = 1;
      info.metric.push_back(std::move(m));
      addGauge(ready, ns, name, g.ready);
      addGauge(stalled, ns, name, g.stalled);
      addGauge(pendingSteps, ns, name, g.pendingSteps);
      addGauge(drifted, ns, name, g.drifted);
      if (g.lastSuccessTimestamp) addGauge(lastSuccess, ns, name, *g.lastSuccessTimestamp);
      if (g.lastBackupTimestamp) addGauge(lastBackup, ns, name, *g.lastBackupTimestamp);
    }
    for (const DriftCheckResult result : kDriftCheckResults) {
      const std::uint64_t count = row.driftChecks[static_cast<std::size_t>(result)];
      if (count == 0) continue;  // as a counter that was never incremented: no series yet
      ClientMetric m = metric(ns, name, {{"result", driftCheckResultName(result)}});
      m.counter.value = static_cast<double>(count);
      driftChecks.metric.push_back(std::move(m));
    }
  }
  std::vector<MetricFamily> families;
  for (MetricFamily* f :
       {&info, &ready, &stalled, &pendingSteps, &drifted, &lastSuccess, &lastBackup, &driftChecks})
    if (!f->metric.empty())
      families.push_back(std::move(*f));  // as prometheus-cpp: no empty family
  return families;
}

}  // namespace retort::op
