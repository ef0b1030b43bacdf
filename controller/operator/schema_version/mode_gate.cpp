#include "operator/schema_version/gate.hpp"

namespace retort::op {

// spec.mode: Plan never applies; the plan stays published for review (a production preview).
GateVerdict modeGate(const GateInput& input) {
  const SchemaVersion& sv = input.schemaVersion;
  if (sv.spec.mode != Mode::Plan) return {};
  std::string message = "spec.mode is Plan: nothing is applied";
  if (input.plan)
    message += "; the plan " + input.plan->hash + " (" + std::to_string(input.plan->steps) +
               " steps) is in ConfigMap " + input.plan->configMap;
  return {false, "PlanOnly", message, std::nullopt};
}

}  // namespace retort::op
