#include "operator/schema_version/schema_version_series.hpp"

#include <prometheus/text_serializer.h>

#include <optional>

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

// One family of the per-object series: its name, help and type, and the samples one row adds
// to it (none, one, or one per drift-check result).
struct SchemaVersionSeries::FamilySpec {
  const char* name;
  const char* help;
  MetricType type;
  void (*add)(MetricFamily& family, const Key& key, const Row& row);
};

namespace {

using Key = std::pair<std::string, std::string>;

template <double SchemaVersionGauges::*value>
void addValue(MetricFamily& f, const Key& key, const SchemaVersionGauges& g) {
  addGauge(f, key.first, key.second, g.*value);
}

}  // namespace

const std::array<SchemaVersionSeries::FamilySpec, 9>& SchemaVersionSeries::families() {
  static const std::array<FamilySpec, 9> specs = {{
      {"retort_schemaversion_info",
       "SchemaVersion revisions: 1, labelled with the current and target ids", MetricType::Gauge,
       [](MetricFamily& f, const Key& key, const Row& row) {
         if (!row.hasGauges) return;
         // current < name < namespace < target: the labels in name order.
         ClientMetric m;
         m.label = {{"current", row.gauges.current},
                    {"name", key.second},
                    {"namespace", key.first},
                    {"target", row.gauges.target}};
         m.gauge.value = 1;
         f.metric.push_back(std::move(m));
       }},
      {"retort_schemaversion_ready", "1 when the Ready condition is True", MetricType::Gauge,
       [](MetricFamily& f, const Key& key, const Row& row) {
         if (row.hasGauges) addValue<&SchemaVersionGauges::ready>(f, key, row.gauges);
       }},
      {"retort_schemaversion_stalled", "1 when the Stalled condition is True", MetricType::Gauge,
       [](MetricFamily& f, const Key& key, const Row& row) {
         if (row.hasGauges) addValue<&SchemaVersionGauges::stalled>(f, key, row.gauges);
       }},
      {"retort_schemaversion_pending_steps",
       "Steps of the last computed plan not yet applied (0 when Ready)", MetricType::Gauge,
       [](MetricFamily& f, const Key& key, const Row& row) {
         if (row.hasGauges) addValue<&SchemaVersionGauges::pendingSteps>(f, key, row.gauges);
       }},
      {"retort_schemaversion_drifted", "1 when the database moved away from its target out of band",
       MetricType::Gauge,
       [](MetricFamily& f, const Key& key, const Row& row) {
         if (row.hasGauges) addValue<&SchemaVersionGauges::drifted>(f, key, row.gauges);
       }},
      {"retort_schemaversion_last_success_timestamp_seconds",
       "Unix time of the last successful run", MetricType::Gauge,
       [](MetricFamily& f, const Key& key, const Row& row) {
         if (row.hasGauges && row.gauges.lastSuccessTimestamp)
           addGauge(f, key.first, key.second, *row.gauges.lastSuccessTimestamp);
       }},
      {"retort_schemaversion_last_backup_timestamp_seconds",
       "Unix time of the last verified backup", MetricType::Gauge,
       [](MetricFamily& f, const Key& key, const Row& row) {
         if (row.hasGauges && row.gauges.lastBackupTimestamp)
           addGauge(f, key.first, key.second, *row.gauges.lastBackupTimestamp);
       }},
      {"retort_schemaversion_gate_waiting_since_timestamp_seconds",
       "Unix time since which a move waits on a gate (Mode, Window, Promotion, Approval); no "
       "series when none",
       MetricType::Gauge,
       [](MetricFamily& f, const Key& key, const Row& row) {
         if (!row.hasGauges || !row.gauges.gateWaitingSince) return;
         ClientMetric m;  // gate < name < namespace: the labels in name order
         m.label = {{"gate", row.gauges.gate}, {"name", key.second}, {"namespace", key.first}};
         m.gauge.value = *row.gauges.gateWaitingSince;
         f.metric.push_back(std::move(m));
       }},
      {"retort_drift_checks_total", "Drift checks by result (in_sync, drifted, failed)",
       MetricType::Counter,
       [](MetricFamily& f, const Key& key, const Row& row) {
         for (const DriftCheckResult result : kDriftCheckResults) {
           const std::uint64_t count = row.driftChecks[static_cast<std::size_t>(result)];
           if (count == 0) continue;  // as a counter that was never incremented: no series yet
           ClientMetric m =
               metric(key.first, key.second, {{"result", driftCheckResultName(result)}});
           m.counter.value = static_cast<double>(count);
           f.metric.push_back(std::move(m));
         }
       }},
  }};
  return specs;
}

std::vector<MetricFamily> SchemaVersionSeries::Collect() const {
  std::vector<MetricFamily> collected;
  std::lock_guard lock(mutex_);
  for (const FamilySpec& spec : families()) {
    MetricFamily f = family(spec.name, spec.help, spec.type);
    for (const auto& [key, row] : rows_) spec.add(f, key, row);
    if (!f.metric.empty()) collected.push_back(std::move(f));  // as prometheus-cpp: no empty family
  }
  return collected;
}

void SchemaVersionSeries::write(const MetricsSink& out, std::size_t rowsPerChunk) const {
  const prometheus::TextSerializer serializer;
  for (const FamilySpec& spec : families()) {
    bool familyStarted = false;
    std::optional<Key> last;  // the chunks resume after the last row written, by key
    for (bool more = true; more;) {
      MetricFamily f = family(spec.name, spec.help, spec.type);
      {
        std::lock_guard lock(mutex_);
        auto it = last ? rows_.upper_bound(*last) : rows_.begin();
        for (std::size_t n = 0; it != rows_.end() && n < rowsPerChunk; ++it, ++n) {
          spec.add(f, it->first, it->second);
          last = it->first;
        }
        more = it != rows_.end();
      }
      if (f.metric.empty()) continue;
      std::string text = serializer.Serialize({f});
      if (familyStarted) {
        // The family's "# HELP" and "# TYPE" lines come once, before its first sample.
        text.erase(0, text.find('\n', text.find('\n') + 1) + 1);
      }
      familyStarted = true;
      out(text);
    }
  }
}

}  // namespace retort::op
