#include "operator/schema_version/plan_publication.hpp"

#include "operator/schema_version/job_builder.hpp"
#include "operator/schema_version/metric_values.hpp"

namespace retort::op {
std::string planConfigMapName(const std::string& schemaVersionName) {
  return schemaVersionName.substr(0, 253 - 5) + "-plan";
}

nlohmann::json planConfigMap(const SchemaVersion& sv, const RunReport& plan,
                             const std::string& planJobName) {
  const nlohmann::json document = {
      {"hash", plan.planHash},       {"direction", plan.direction},
      {"from", plan.from},           {"to", plan.to},
      {"target", plan.target},       {"targetRevision", sv.spec.targetRevision},
      {"steps", plan.steps},         {"planSteps", plan.planSteps},
      {"dataLoss", plan.dataLoss},   {"policy", plan.reason},
      {"generation", sv.generation}, {"jobName", planJobName}};
  std::string text = "SchemaVersion " + sv.ns + "/" + sv.name + ", generation " +
                     std::to_string(sv.generation) + ", target " + sv.spec.targetRevision + "\n";
  text += "plan " + plan.planHash + "\n";
  text += plan.direction + " from " + describeRevisions(plan.from) + " to " +
          describeRevisions(plan.to) + ", " + std::to_string(plan.steps) + " steps" +
          (plan.dataLoss ? ", LOSES DATA" : "") + "\n";
  if (!plan.reason.empty() && plan.reason != "Planned")
    text += "policy: " + plan.reason + (plan.message.empty() ? "" : ": " + plan.message) + "\n";
  for (const std::string& step : plan.planSteps) text += "  " + step + "\n";
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata",
           {{"name", planConfigMapName(sv.name)},
            {"namespace", sv.ns},
            {"labels",
             {{kManagedByLabel, kManagedByValue},
              {"app.kubernetes.io/name", "retort"},
              {"app.kubernetes.io/component", "plan"},
              {kSchemaVersionUidLabel, sv.uid}}},
            {"ownerReferences", ownedBy(sv)}}},
          {"data", {{"hash", plan.planHash}, {"plan.json", document.dump(2)}, {"plan.txt", text}}}};
}

}  // namespace retort::op
