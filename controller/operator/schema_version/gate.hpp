// A gate: one condition a move must meet before its Job starts (docs/operator.md, "Gates").
// Each gate is a pure function from what the controller observed to a verdict; gates.hpp keeps
// them in their fixed order. A closed gate says why (reason, message: exactly what is missing)
// and when it is worth looking again; the SchemaVersion then waits Reconciling=True with that
// reason, Ready=False and Stalled=False, so Argo CD and Flux show Progressing, not Degraded.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "operator/runtime/clock.hpp"
#include "operator/schema_version/maintenance_window.hpp"
#include "operator/schema_version/schema_version.hpp"
#include "operator/schema_version/wall_time.hpp"

namespace retort::op {

// A promotion source as the reconciler read it (from the cache, or with a GET across
// namespaces).
struct PromotionSourceState {
  std::string ns;
  std::string name;
  std::string problem;  // non-empty: not found or not readable (the message says which)
  bool ready = false;
  std::string readySince;  // the Ready condition's lastTransitionTime
  std::vector<std::string> currentRevisions;
};

struct GateInput {
  const SchemaVersion& schemaVersion;
  const std::optional<Plan>& plan;  // this move's plan, once the plan-only Job reported it
  WallTime now;
  const std::vector<PromotionSourceState>& promotionSources;  // one per spec.promotion.after
};

struct GateVerdict {
  bool open = true;
  std::string reason;   // AwaitingApproval, WaitingForPromotion, OutsideWindow, PlanOnly
  std::string message;  // what is missing, and when it is checked again
  std::optional<Duration> recheckIn;  // nullopt: only a change of the object opens it
};

GateVerdict modeGate(const GateInput& input);
GateVerdict windowGate(const GateInput& input);
GateVerdict promotionGate(const GateInput& input);
GateVerdict approvalGate(const GateInput& input);

}  // namespace retort::op
