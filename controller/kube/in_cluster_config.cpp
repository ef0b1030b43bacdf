#include "kube/in_cluster_config.hpp"

#include <cstdlib>
#include <string>

namespace retort::kube {
namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string{} : std::string(value);
}

}  // namespace

bool running_in_cluster(const std::filesystem::path& service_account_dir) {
  std::error_code ec;
  return !env_or_empty("KUBERNETES_SERVICE_HOST").empty() &&
         !env_or_empty("KUBERNETES_SERVICE_PORT").empty() &&
         std::filesystem::exists(service_account_dir / "token", ec);
}

ClientConfig load_in_cluster_config(const std::filesystem::path& service_account_dir) {
  const std::string host = env_or_empty("KUBERNETES_SERVICE_HOST");
  const std::string port = env_or_empty("KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty()) {
    throw ConfigError("not in a cluster: KUBERNETES_SERVICE_HOST/PORT are not set");
  }
  ClientConfig config;
  // An IPv6 service address needs brackets in a URL.
  const bool ipv6 = host.find(':') != std::string::npos;
  config.server = "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + port;
  config.token = TokenSource::from_file(service_account_dir / "token");
  config.token->token();  // fail now, not on the first request, if it is unreadable
  config.ca_pem = read_config_file(service_account_dir / "ca.crt");
  std::error_code ec;
  if (std::filesystem::exists(service_account_dir / "namespace", ec)) {
    std::string ns = read_config_file(service_account_dir / "namespace");
    while (!ns.empty() && (ns.back() == '\n' || ns.back() == ' ')) ns.pop_back();
    if (!ns.empty()) config.default_namespace = ns;
  }
  return config;
}

}  // namespace retort::kube
