// The gates in the order they are evaluated: mode, window, promotion, rehearsal, approval
// (Kargo's Stage keeps its verification the same way: data evaluated in order). The first
// closed gate is the one the move waits on; a move starts only when all are open. The order puts
// what no person can change right now first: a Plan-mode object never applies, a closed window
// opens only with time, promotion waits on another environment, the rehearsal runs the plan on
// a restored copy (a Job of its own), and approval, last, is asked for only of a plan that could
// run once approved, with the rehearsal's result beside it.
#pragma once

#include <optional>
#include <string>

#include "operator/schema_version/gate.hpp"

namespace retort::op {

struct ClosedGate {
  std::string name;  // Mode, Window, Promotion, Rehearsal, Approval
  GateVerdict verdict;
};

std::optional<ClosedGate> firstClosedGate(const GateInput& input);

}  // namespace retort::op
