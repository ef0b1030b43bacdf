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
  const std::optional<RehearsalStatus>& rehearsal;            // the last rehearsal's result, if any
};

struct GateVerdict {
  bool open = true;
  // AwaitingApproval, WaitingForPromotion, OutsideWindow, PlanOnly, Rehearsing
  std::string reason;
  std::string message;                // what is missing, and when it is checked again
  std::optional<Duration> recheckIn;  // nullopt: only a change of the object (or a Job) opens it
  // The gate opens only once a Job of its own has succeeded (the rehearsal): start it.
  bool runsJob = false;
};

GateVerdict modeGate(const GateInput& input);
GateVerdict windowGate(const GateInput& input);
GateVerdict promotionGate(const GateInput& input);
GateVerdict rehearsalGate(const GateInput& input);
GateVerdict approvalGate(const GateInput& input);

// Whether `rehearsal` is a successful rehearsal of exactly `plan` (its hash).
bool rehearsalPassed(const std::optional<Plan>& plan,
                     const std::optional<RehearsalStatus>& rehearsal);
// "rehearsed in 12.3 s on a restored copy, slowest step ..., lock waits 0.2 s", for messages.
std::string describeRehearsal(const RehearsalStatus& rehearsal);

}  // namespace retort::op
