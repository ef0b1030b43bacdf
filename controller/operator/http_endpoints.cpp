#include "operator/http_endpoints.hpp"

#include <CivetServer.h>
#include <prometheus/exposer.h>

#include <stdexcept>

#include "operator/bind_address.hpp"
#include "operator/process_metrics.hpp"

namespace retort::op {

MetricsEndpoint::MetricsEndpoint(const std::string& bindAddress,
                                 std::vector<std::shared_ptr<prometheus::Collectable>> collectables)
    : collectables_(std::move(collectables)) {
  collectables_.push_back(std::make_shared<ProcessMetrics>());
  const std::optional<std::string> ports = civetwebPorts(bindAddress);
  if (!ports) return;
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(*ports, 1);
  } catch (const std::exception& error) {
    throw std::runtime_error("--metrics-bind-address " + bindAddress +
                             ": cannot listen: " + error.what());
  }
  for (const auto& collectable : collectables_) exposer_->RegisterCollectable(collectable);
}

MetricsEndpoint::~MetricsEndpoint() = default;

std::vector<int> MetricsEndpoint::ports() const {
  return exposer_ ? exposer_->GetListeningPorts() : std::vector<int>{};
}

class HealthEndpoint::Handler final : public CivetHandler {
 public:
  explicit Handler(std::function<bool()> ok) : ok_(std::move(ok)) {}
  bool handleGet(CivetServer*, mg_connection* connection) override {
    const bool ok = ok_();
    const char* body = ok ? "ok\n" : "not ready\n";
    mg_printf(connection,
              "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
              "Connection: close\r\n\r\n%s",
              ok ? "200 OK" : "503 Service Unavailable", std::char_traits<char>::length(body),
              body);
    return true;
  }

 private:
  std::function<bool()> ok_;
};

HealthEndpoint::HealthEndpoint(const std::string& bindAddress, std::function<bool()> ready)
    : healthz_(std::make_unique<Handler>([] { return true; })),
      readyz_(std::make_unique<Handler>(std::move(ready))) {
  const std::optional<std::string> ports = civetwebPorts(bindAddress);
  if (!ports) return;
  try {
    server_ = std::make_unique<CivetServer>(
        std::vector<std::string>{"listening_ports", *ports, "num_threads", "1"});
  } catch (const std::exception& error) {
    throw std::runtime_error("--health-probe-bind-address " + bindAddress +
                             ": cannot listen: " + error.what());
  }
  server_->addHandler("/healthz", *healthz_);
  server_->addHandler("/readyz", *readyz_);
}

HealthEndpoint::~HealthEndpoint() {
  if (server_) server_->close();
}

std::vector<int> HealthEndpoint::ports() const {
  return server_ ? server_->getListeningPorts() : std::vector<int>{};
}

}  // namespace retort::op
