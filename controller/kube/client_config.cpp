#include "kube/client_config.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kube/in_cluster_config.hpp"
#include "kube/kubeconfig.hpp"

namespace retort::kube {

ClientConfig load_default_config() {
  if (running_in_cluster()) return load_in_cluster_config();
  if (const char* env = std::getenv("KUBECONFIG"); env != nullptr && *env != '\0') {
    // Like kubectl, take the first entry of a colon-separated list (no merging).
    std::string first(env);
    first = first.substr(0, first.find(':'));
    return load_kubeconfig(first);
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    throw ConfigError("no in-cluster environment, no KUBECONFIG and no HOME");
  }
  return load_kubeconfig(std::filesystem::path(home) / ".kube" / "config");
}

std::string read_config_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace retort::kube
