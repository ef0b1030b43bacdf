#include "operator/runtime/http_endpoints.hpp"

#include <CivetServer.h>
#include <prometheus/text_serializer.h>

#include <stdexcept>

#include "operator/runtime/bind_address.hpp"
#include "operator/runtime/process_metrics.hpp"

namespace retort::op {

namespace {

// A civetweb server on the given ports with one worker: scrapes and probes are serial and rare.
std::unique_ptr<CivetServer> listen(const char* flag, const std::string& bindAddress,
                                    const std::string& ports) {
  try {
    return std::make_unique<CivetServer>(
        std::vector<std::string>{"listening_ports", ports, "num_threads", "1"});
  } catch (const std::exception& error) {
    throw std::runtime_error(std::string(flag) + " " + bindAddress +
                             ": cannot listen: " + error.what());
  }
}

}  // namespace

class MetricsEndpoint::Handler final : public CivetHandler {
 public:
  explicit Handler(std::function<void(const MetricsSink&)> writeMetrics)
      : writeMetrics_(std::move(writeMetrics)) {}
  bool handleGet(CivetServer*, mg_connection* connection) override {
    // No Content-Length: the body ends when the connection closes (HTTP/1.1, section 6.3).
    mg_printf(connection,
              "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
              "Connection: close\r\n\r\n");
    const MetricsSink send = [connection](std::string_view text) {
      mg_write(connection, text.data(), text.size());
    };
    writeMetrics_(send);
    send(prometheus::TextSerializer().Serialize(ProcessMetrics().Collect()));
    return true;
  }

 private:
  std::function<void(const MetricsSink&)> writeMetrics_;
};

MetricsEndpoint::MetricsEndpoint(const std::string& bindAddress,
                                 std::function<void(const MetricsSink&)> writeMetrics)
    : handler_(std::make_unique<Handler>(std::move(writeMetrics))) {
  const std::optional<std::string> ports = civetwebPorts(bindAddress);
  if (!ports) return;
  server_ = listen("--metrics-bind-address", bindAddress, *ports);
  server_->addHandler("/metrics", *handler_);
}

MetricsEndpoint::~MetricsEndpoint() {
  if (server_) server_->close();
}

std::vector<int> MetricsEndpoint::ports() const {
  return server_ ? server_->getListeningPorts() : std::vector<int>{};
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
  server_ = listen("--health-probe-bind-address", bindAddress, *ports);
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
