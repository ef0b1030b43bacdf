// The controller's HTTP endpoints, each on a civetweb server of its own: /metrics (the text
// exposition format: what the controller's metrics write, then the process metrics) and the
// probes /healthz (200 while the process runs) and /readyz (200 once the informer caches synced,
// 503 before). /metrics streams its text as it is written, piece by piece, instead of building
// it whole as prometheus::Exposer does: with thousands of SchemaVersions a scrape would
// otherwise hold every series as an object and the whole text at once. It sends no gzip. Both
// bind loopback by default (bind_address.hpp). Constructors throw std::runtime_error naming the
// address when it cannot be bound.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "operator/runtime/metrics_sink.hpp"

class CivetServer;

namespace retort::op {

class MetricsEndpoint {
 public:
  // writeMetrics writes the exposition text to its sink, in as many pieces as it likes; it is
  // called on the server's thread for every scrape.
  MetricsEndpoint(const std::string& bindAddress,
                  std::function<void(const MetricsSink&)> writeMetrics);
  ~MetricsEndpoint();
  std::vector<int> ports() const;  // the bound ports (empty when disabled)

 private:
  class Handler;
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<CivetServer> server_;
};

class HealthEndpoint {
 public:
  HealthEndpoint(const std::string& bindAddress, std::function<bool()> ready);
  ~HealthEndpoint();
  std::vector<int> ports() const;

 private:
  class Handler;
  std::unique_ptr<Handler> healthz_;
  std::unique_ptr<Handler> readyz_;
  std::unique_ptr<CivetServer> server_;
};

}  // namespace retort::op
