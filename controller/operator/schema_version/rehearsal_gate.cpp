#include <cstdio>

#include "operator/schema_version/gate.hpp"

namespace retort::op {

bool rehearsalPassed(const std::optional<Plan>& plan,
                     const std::optional<RehearsalStatus>& rehearsal) {
  return plan && rehearsal && rehearsal->planHash == plan->hash &&
         rehearsal->outcome == "Succeeded";
}

std::string describeRehearsal(const RehearsalStatus& r) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f s", r.seconds);
  char waits[32];
  std::snprintf(waits, sizeof waits, "%.1f s", r.lockWaitSeconds);
  std::string text = std::string("rehearsed in ") + seconds + " on a restored copy";
  if (!r.slowestStep.empty()) text += ", slowest step " + r.slowestStep;
  return text + ", lock waits " + waits;
}

// spec.rehearsal.required: the exact plan (its hash) ran on a copy of the database restored on
// the scratch server, and succeeded within spec.rehearsal's budgets. Until such a rehearsal is
// recorded the gate asks for its Job. A failed rehearsal ends its move (decide() records it as
// the move's final outcome, Stalled), so the gate sees one only for a new generation or plan
// attempt, whose rehearsal Job is a new one: fixed data, or a new budget, is rehearsed again.
GateVerdict rehearsalGate(const GateInput& input) {
  const SchemaVersion& sv = input.schemaVersion;
  if (!sv.spec.rehearsal.required) return {};
  if (!input.plan) return {false, "Rehearsing", "waiting for the plan", std::nullopt};
  if (rehearsalPassed(input.plan, input.rehearsal)) return {};
  return {false, "Rehearsing",
          "plan " + input.plan->hash +
              " is rehearsed first on a copy restored on the scratch server (Secret " +
              sv.spec.rehearsal.scratchDatabase.name + ")",
          std::nullopt, true};
}

}  // namespace retort::op
