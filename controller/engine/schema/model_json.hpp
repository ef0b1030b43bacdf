// The schema model as JSON, so a desired schema that was loaded once can be cached and read
// back without loading schema.sql again (see desired_schema_cache.hpp).
#pragma once

#include <nlohmann/json.hpp>

#include "engine/schema/model.hpp"

namespace retort::engine::schema {

nlohmann::json modelToJson(const Model& model);
// Throws nlohmann::json::exception when the document is not a model.
Model modelFromJson(const nlohmann::json& json);

}  // namespace retort::engine::schema
