#include "kube/object_key.hpp"

#include <stdexcept>

namespace retort::kube {
namespace {

std::string metadata_string(const nlohmann::json& object, const char* key) {
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return {};
  auto it = meta->find(key);
  return it != meta->end() && it->is_string() ? it->get<std::string>() : std::string{};
}

}  // namespace

std::string object_name(const nlohmann::json& object) {
  return metadata_string(object, "name");
}

std::string object_namespace(const nlohmann::json& object) {
  return metadata_string(object, "namespace");
}

std::string resource_version(const nlohmann::json& object) {
  return metadata_string(object, "resourceVersion");
}

std::string required_name(const nlohmann::json& object) {
  std::string name = object_name(object);
  if (name.empty()) throw std::invalid_argument("object has no metadata.name");
  return name;
}

std::string object_key(const nlohmann::json& object) {
  std::string ns = object_namespace(object);
  return ns.empty() ? object_name(object) : ns + "/" + object_name(object);
}

}  // namespace retort::kube
