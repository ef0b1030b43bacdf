// Loads a kubeconfig file with yaml-cpp: the current context or a named one; a cluster's server,
// certificate-authority(-data) and insecure-skip-tls-verify; a user's client-certificate(-data),
// client-key(-data), token and tokenFile; the context's namespace. Relative file paths are
// resolved against the kubeconfig's directory, as kubectl does. Exec and auth-provider plugins
// are not supported and raise ConfigError.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "kube/client_config.hpp"

namespace retort::kube {

// context empty: the file's current-context.
ClientConfig load_kubeconfig(const std::filesystem::path& path, std::string_view context = {});

// Same, from text; base_dir resolves relative paths.
ClientConfig parse_kubeconfig(std::string_view yaml, const std::filesystem::path& base_dir,
                              std::string_view context = {});

}  // namespace retort::kube
