#include "engine/lint/type_name.hpp"

#include <map>

namespace retort::engine::lint {

std::string formatTypeName(const nlohmann::json& typeName) {
  static const std::map<std::string, std::string> kCanonical = {
      {"int2", "smallint"},
      {"int4", "integer"},
      {"int8", "bigint"},
      {"serial", "integer"},
      {"serial4", "integer"},
      {"smallserial", "smallint"},
      {"serial2", "smallint"},
      {"bigserial", "bigint"},
      {"serial8", "bigint"},
      {"varchar", "character varying"},
      {"bpchar", "character"},
      {"float4", "real"},
      {"float8", "double precision"},
      {"bool", "boolean"},
      {"timestamptz", "timestamp with time zone"},
      {"timestamp", "timestamp without time zone"},
      {"timetz", "time with time zone"},
      {"time", "time without time zone"},
      {"decimal", "numeric"},
  };
  std::string name;
  for (const auto& part : typeName.value("names", nlohmann::json::array())) {
    std::string value = part.contains("String") ? part["String"].value("sval", "") : "";
    if (value == "pg_catalog") continue;
    name += (name.empty() ? "" : ".") + value;
  }
  auto canonical = kCanonical.find(name);
  if (canonical != kCanonical.end()) name = canonical->second;
  std::string modifiers;
  for (const auto& modifier : typeName.value("typmods", nlohmann::json::array())) {
    if (!modifier.contains("A_Const")) continue;
    const auto& constant = modifier["A_Const"];
    std::string value =
        constant.contains("ival") ? std::to_string(constant["ival"].value("ival", 0)) : "?";
    modifiers += (modifiers.empty() ? "" : ",") + value;
  }
  if (!modifiers.empty()) name += "(" + modifiers + ")";
  if (typeName.contains("arrayBounds")) name += "[]";
  return name;
}

}  // namespace retort::engine::lint
