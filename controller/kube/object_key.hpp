// The cache key of an object, "namespace/name" (just "name" when cluster-scoped), and small
// accessors for the metadata fields every part of the client reads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace retort::kube {

std::string object_key(const nlohmann::json& object);
std::string object_name(const nlohmann::json& object);
std::string object_namespace(const nlohmann::json& object);
std::string resource_version(const nlohmann::json& object);
// metadata.name; throws std::invalid_argument when the object has none (a PUT or apply needs it).
std::string required_name(const nlohmann::json& object);

}  // namespace retort::kube
