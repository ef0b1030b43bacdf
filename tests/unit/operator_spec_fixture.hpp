// The SchemaVersion spec the operator's unit tests start from (the SweetShop: a database Secret,
// a migrations image, a required backup on a claim), and the field path of the SpecError a
// changed copy raises. Tests change a copy of the JSON and read it back with specFromJson.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "operator/schema_version/schema_version.hpp"

namespace retort::op::testing {

inline nlohmann::json sweetshopSpecJson() {
  return nlohmann::json::parse(R"({
    "targetRevision": "head",
    "database": {"secretRef": {"name": "sweetshop-db", "key": "uri"}},
    "migrations": {"image": "localhost/retort-sweetshop:0.2.0"},
    "backup": {"mode": "Required", "persistentVolumeClaim": {"claimName": "backups"}}
  })");
}

// "(no error)" when the spec is accepted.
inline std::string specErrorPath(const nlohmann::json& spec) {
  try {
    specFromJson(spec);
  } catch (const SpecError& error) {
    return error.path();
  }
  return "(no error)";
}

}  // namespace retort::op::testing
