// Configuration of a process running in a pod: the API server from KUBERNETES_SERVICE_HOST and
// KUBERNETES_SERVICE_PORT, the CA and namespace from the mounted service-account directory, and
// the service-account token as a file source that is re-read when kubelet rotates it.
#pragma once

#include <filesystem>

#include "kube/client_config.hpp"

namespace retort::kube {

inline constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

// Throws ConfigError when not in a pod (variables unset or token missing).
ClientConfig load_in_cluster_config(
    const std::filesystem::path& service_account_dir = kServiceAccountDir);

bool running_in_cluster(const std::filesystem::path& service_account_dir = kServiceAccountDir);

}  // namespace retort::kube
