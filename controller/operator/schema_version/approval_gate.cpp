#include "operator/schema_version/gate.hpp"

namespace retort::op {

// spec.approval.required: a person approves the exact plan by its hash. The apply Job runs with
// --expect-plan of that hash, so a plan that changed after approval is refused, not applied.
GateVerdict approvalGate(const GateInput& input) {
  const SchemaVersion& sv = input.schemaVersion;
  if (!sv.spec.approval.required) return {};
  if (!input.plan) return {false, "AwaitingApproval", "waiting for the plan", std::nullopt};
  const std::string approved = approvedPlanOf(sv);
  if (approved == input.plan->hash) return {};
  const std::string how = "approve it with `kubectl retort approve " + sv.name + " -n " + sv.ns +
                          "` or spec.approval.approvedPlan: " + input.plan->hash;
  // The rehearsal's result beside the plan, for the person who approves it.
  const std::string rehearsed = rehearsalPassed(input.plan, input.rehearsal)
                                    ? "; " + describeRehearsal(*input.rehearsal)
                                    : "";
  const std::string plan = "plan " + input.plan->hash + " (" + input.plan->direction + ", " +
                           std::to_string(input.plan->steps) + " steps; ConfigMap " +
                           input.plan->configMap + rehearsed + ")";
  if (approved.empty())
    return {false, "AwaitingApproval", plan + " waits for approval: " + how, std::nullopt};
  return {false, "AwaitingApproval",
          "the approval names " + approved + ", which is stale: the " + plan +
              " is not the one approved; " + how,
          std::nullopt};
}

}  // namespace retort::op
