#include "kube/kubeconfig.hpp"

#include <cpprest/asyncrt_utils.h>
#include <yaml-cpp/yaml.h>

#include <vector>

namespace retort::kube {
namespace {

// Inline PEM material (*-data) is standard base64. Line breaks and blanks that a YAML block
// scalar may leave are dropped first; the decoder itself is cpprestsdk's. The error names the
// field, never its content: client-key-data is a private key.
std::string decode_base64(std::string_view text, const std::string& field) {
  std::string compact;
  compact.reserve(text.size());
  for (char c : text) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') compact.push_back(c);
  }
  try {
    const std::vector<unsigned char> bytes = utility::conversions::from_base64(compact);
    return {bytes.begin(), bytes.end()};
  } catch (const std::exception& e) {
    throw ConfigError("kubeconfig " + field + " is not valid base64 (" + e.what() + ")");
  }
}

std::filesystem::path resolve(const std::filesystem::path& base_dir, const std::string& file) {
  std::filesystem::path path(file);
  return path.is_absolute() ? path : base_dir / path;
}

// The entry named `name` of a kubeconfig list (clusters, users, contexts): its inner map.
YAML::Node find_named(const YAML::Node& root, const char* list, const char* inner,
                      const std::string& name) {
  const YAML::Node entries = root[list];
  if (entries && entries.IsSequence()) {
    for (const auto& entry : entries) {
      if (entry["name"] && entry["name"].as<std::string>() == name) {
        const YAML::Node body = entry[inner];
        return body ? body : YAML::Node(YAML::NodeType::Map);
      }
    }
  }
  throw ConfigError(std::string("kubeconfig has no ") + inner + " named \"" + name + "\"");
}

std::string string_or_empty(const YAML::Node& node, const char* key) {
  const YAML::Node value = node[key];
  return value && value.IsScalar() ? value.as<std::string>() : std::string{};
}

// PEM material given inline as *-data (base64) or as a file path. `where` is the entry's field
// path in the kubeconfig (e.g. clusters["kind"].cluster), for errors.
std::string pem(const YAML::Node& node, const std::string& where, const char* data_key,
                const char* file_key, const std::filesystem::path& base_dir) {
  if (std::string data = string_or_empty(node, data_key); !data.empty()) {
    return decode_base64(data, where + "." + data_key);
  }
  if (std::string file = string_or_empty(node, file_key); !file.empty()) {
    return read_config_file(resolve(base_dir, file));
  }
  return {};
}

}  // namespace

ClientConfig parse_kubeconfig(std::string_view yaml, const std::filesystem::path& base_dir,
                              std::string_view context) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw ConfigError(std::string("kubeconfig is not valid YAML: ") + e.what());
  }
  std::string context_name(context);
  if (context_name.empty()) context_name = string_or_empty(root, "current-context");
  if (context_name.empty()) throw ConfigError("kubeconfig has no current-context");

  try {
    const YAML::Node ctx = find_named(root, "contexts", "context", context_name);
    const std::string cluster_name = string_or_empty(ctx, "cluster");
    const YAML::Node cluster = find_named(root, "clusters", "cluster", cluster_name);
    const std::string cluster_path = "clusters[\"" + cluster_name + "\"].cluster";

    const std::string user_name = string_or_empty(ctx, "user");
    const YAML::Node user = user_name.empty() ? YAML::Node(YAML::NodeType::Map)
                                              : find_named(root, "users", "user", user_name);
    const std::string user_path = "users[\"" + user_name + "\"].user";

    ClientConfig config;
    config.server = string_or_empty(cluster, "server");
    while (!config.server.empty() && config.server.back() == '/') config.server.pop_back();
    if (config.server.empty()) throw ConfigError("cluster of context has no server");
    config.ca_pem =
        pem(cluster, cluster_path, "certificate-authority-data", "certificate-authority", base_dir);
    if (cluster["insecure-skip-tls-verify"]) {
      config.insecure_skip_verify = cluster["insecure-skip-tls-verify"].as<bool>();
    }
    config.client_cert_pem =
        pem(user, user_path, "client-certificate-data", "client-certificate", base_dir);
    config.client_key_pem = pem(user, user_path, "client-key-data", "client-key", base_dir);
    if (config.client_cert_pem.empty() != config.client_key_pem.empty()) {
      throw ConfigError("user \"" + user_name + "\" has a client certificate or key, not both");
    }
    if (std::string token = string_or_empty(user, "token"); !token.empty()) {
      config.token = TokenSource::fixed(std::move(token));
    } else if (std::string file = string_or_empty(user, "tokenFile"); !file.empty()) {
      config.token = TokenSource::from_file(resolve(base_dir, file));
    }
    if (user["exec"] || user["auth-provider"]) {
      throw ConfigError("user \"" + user_name + "\" uses an exec or auth-provider plugin, " +
                        "which is not supported");
    }
    if (std::string ns = string_or_empty(ctx, "namespace"); !ns.empty()) {
      config.default_namespace = ns;
    }
    return config;
  } catch (const YAML::Exception& e) {
    throw ConfigError(std::string("kubeconfig has an unexpected shape: ") + e.what());
  }
}

ClientConfig load_kubeconfig(const std::filesystem::path& path, std::string_view context) {
  return parse_kubeconfig(read_config_file(path), path.parent_path(), context);
}

}  // namespace retort::kube
