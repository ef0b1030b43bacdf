// The controller's HTTP endpoints: /metrics (prometheus::Exposer, serving the controller's
// collectables and the process metrics) and the probes /healthz (200 while the process runs) and
// /readyz (200 once the informer caches synced, 503 before), on a civetweb server of their own,
// since the Exposer serves nothing but metrics. Both bind loopback by default (bind_address.hpp).
// Constructors throw std::runtime_error naming the address when it cannot be bound.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace prometheus {
class Exposer;
class Collectable;
}  // namespace prometheus
class CivetServer;

namespace retort::op {

class MetricsEndpoint {
 public:
  MetricsEndpoint(const std::string& bindAddress,
                  std::vector<std::shared_ptr<prometheus::Collectable>> collectables);
  ~MetricsEndpoint();
  std::vector<int> ports() const;  // the bound ports (empty when disabled)

 private:
  // Owned here: the Exposer holds only weak_ptrs.
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  std::unique_ptr<prometheus::Exposer> exposer_;
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
