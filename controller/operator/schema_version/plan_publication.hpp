// The whole plan of a move, published where `kubectl` shows it: a ConfigMap `<name>-plan`
// owned by the SchemaVersion, with the hash an approval names (`hash`), the plan as JSON
// (`plan.json`) and as text a reviewer reads (`plan.txt`: direction, heads, a line a step with
// its revision, file and lint findings). Bounded by the run report it comes from (4 KiB), and
// free of credentials as that report is. Pure: the reconciler writes it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "operator/schema_version/run_report.hpp"
#include "operator/schema_version/schema_version.hpp"

namespace retort::op {

std::string planConfigMapName(const std::string& schemaVersionName);

nlohmann::json planConfigMap(const SchemaVersion& schemaVersion, const RunReport& plan,
                             const std::string& planJobName);

}  // namespace retort::op
