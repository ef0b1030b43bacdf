// Everything needed to talk to one API server: its URL, how to trust it and how to
// authenticate. Produced by load_kubeconfig() or load_in_cluster_config(), or assembled by hand.
// load_default_config() picks the way client-go does: in-cluster when running in a pod,
// otherwise $KUBECONFIG, otherwise ~/.kube/config.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "kube/token_source.hpp"

namespace retort::kube {

// A configuration could not be loaded or is incomplete.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ClientConfig {
  std::string server;  // e.g. https://127.0.0.1:6443 (no trailing slash)
  std::string ca_pem;  // trusted CA certificates; empty means the system trust store
  std::string client_cert_pem;
  std::string client_key_pem;
  std::shared_ptr<TokenSource> token;  // bearer token, may be null
  bool insecure_skip_verify = false;
  std::string default_namespace = "default";
  // Idle timeout of one ordinary request (the ASIO client resets it on every received chunk).
  std::chrono::seconds request_timeout{30};
};

ClientConfig load_default_config();

// The whole text of a file a configuration names (kubeconfig, certificate, token, namespace);
// ConfigError naming the path when it cannot be read.
std::string read_config_file(const std::filesystem::path& path);

}  // namespace retort::kube
