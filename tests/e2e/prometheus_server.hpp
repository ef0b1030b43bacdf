// A real Prometheus (Debian's /usr/bin/prometheus) for the e2e tests: started by the test on
// 127.0.0.1 on a free port, with its own configuration and data directory, scraping the given
// targets and evaluating the given rule files every second; stopped (SIGTERM, then SIGKILL) by
// its pid in the destructor, and its directory removed. The constructor returns once
// /-/ready answers, and throws with the server's log otherwise.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace retort::e2e {

class PrometheusServer {
 public:
  // `targets`: host:port pairs scraped as job "retort" at /metrics.
  PrometheusServer(const std::vector<std::string>& targets,
                   const std::vector<std::filesystem::path>& ruleFiles);
  ~PrometheusServer();
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

  const std::string& baseUrl() const { return baseUrl_; }  // http://127.0.0.1:PORT

  // GET baseUrl + path (with optional url-encoded query parameter `query`); the parsed JSON
  // reply, or a JSON object {"error": ...} when the request failed.
  nlohmann::json get(const std::string& path, const std::string& query = "") const;
  // The result of an instant query (the "data.result" array); throws on an API error.
  nlohmann::json instantQuery(const std::string& expr) const;
  // The names of the alerts in state `state` (firing, pending).
  std::vector<std::string> alerts(const std::string& state) const;
  // The health of each scrape target ("up", "down", "unknown") with its last error.
  std::string targetsSummary() const;
  // The tail of the server's log.
  std::string logTail() const;

 private:
  std::filesystem::path dir_;
  std::string baseUrl_;
  pid_t pid_ = -1;
};

// Holds the test binary's one PrometheusServer and stops it in TearDown, which runs before the
// node cluster's (environments tear down in reverse order of registration).
class PrometheusEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { server().reset(); }
  static std::unique_ptr<PrometheusServer>& server();
};

}  // namespace retort::e2e
