// The process metrics Prometheus client libraries conventionally export
// (process_resident_memory_bytes, process_virtual_memory_bytes, process_cpu_seconds_total,
// process_start_time_seconds, process_open_fds), read from /proc/self at scrape time, since
// prometheus-cpp has no process collector. Register it with the Exposer next to the registry.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <vector>

namespace retort::op {

class ProcessMetrics final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace retort::op
