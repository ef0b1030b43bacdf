// Live heap of the per-SchemaVersion metrics: prometheus-cpp's label maps (how the controller
// kept them up to f3ce0e8: seven gauges and a drift-check counter per object in registry
// families, plus the bookkeeping to remove them) side by side with SchemaVersionSeries' rows
// (operator/schema_version_series.hpp), in one run. Counts glibc's allocated bytes (mallinfo2)
// before and after N objects get their series.
//
//   retort_series_heap [N]      (default 1000)
#include <malloc.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "operator/schema_version/schema_version_series.hpp"

namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Labels;

std::size_t allocatedBytes() {
  return mallinfo2().uordblks;
}

std::string objectName(int i) {
  char name[16];
  std::snprintf(name, sizeof name, "sv-%04d", i);
  return name;
}

const char* const kRevision = "4e7f5a9b2c05";
const char* const kNamespace = "retort-bench";

void report(const char* representation, std::size_t bytes, int count) {
  std::printf("%-24s %9zu bytes for %d objects: %5.0f B/object\n", representation, bytes, count,
              static_cast<double>(bytes) / count);
}

void registryFamilies(int count) {
  auto registry = std::make_shared<prometheus::Registry>();
  std::vector<Family<Gauge>*> gauges;
  for (int k = 0; k < 7; ++k)
    gauges.push_back(
        &prometheus::BuildGauge().Name("gauge_" + std::to_string(k)).Register(*registry));
  Family<Counter>& driftChecks = prometheus::BuildCounter().Name("drift").Register(*registry);
  struct Series {
    Labels labels;
    std::set<std::pair<Family<Gauge>*, Gauge*>> gauges;
    std::set<std::pair<Family<Counter>*, Counter*>> counters;
  };
  std::map<std::string, std::unique_ptr<Series>> series;
  const std::size_t before = allocatedBytes();
  for (int i = 0; i < count; ++i) {
    const std::string name = objectName(i);
    auto& s = series[std::string(kNamespace) + "/" + name];
    s = std::make_unique<Series>();
    s->labels = {{"namespace", kNamespace}, {"name", name}};
    for (int k = 0; k < 7; ++k) {
      Labels labels = s->labels;
      if (k == 0) labels.insert({{"current", kRevision}, {"target", kRevision}});
      Gauge& gauge = gauges[k]->Add(labels);
      gauge.Set(1);
      s->gauges.emplace(gauges[k], &gauge);
    }
    Labels labels = s->labels;
    labels["result"] = "in_sync";
    Counter& counter = driftChecks.Add(labels);
    counter.Increment();
    s->counters.emplace(&driftChecks, &counter);
  }
  const std::size_t bytes = allocatedBytes() - before;
  report("prometheus-cpp families", bytes, count);
}

void seriesRows(int count) {
  retort::op::SchemaVersionSeries series;
  const std::size_t before = allocatedBytes();
  for (int i = 0; i < count; ++i) {
    retort::op::SchemaVersionGauges gauges;
    gauges.current = kRevision;
    gauges.target = kRevision;
    gauges.ready = 1;
    gauges.lastSuccessTimestamp = 1767225603.0;
    gauges.lastBackupTimestamp = 1767225601.0;
    series.set(kNamespace, objectName(i), gauges);
    series.countDriftCheck(kNamespace, objectName(i), retort::op::DriftCheckResult::InSync);
  }
  const std::size_t bytes = allocatedBytes() - before;
  report("SchemaVersionSeries", bytes, count);
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::stoi(argv[1]) : 1000;
  registryFamilies(count);
  seriesRows(count);
  return 0;
}
