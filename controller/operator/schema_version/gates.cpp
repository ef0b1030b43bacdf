#include "operator/schema_version/gates.hpp"

#include <array>

namespace retort::op {

std::optional<ClosedGate> firstClosedGate(const GateInput& input) {
  struct Gate {
    const char* name;
    GateVerdict (*evaluate)(const GateInput&);
  };
  static constexpr std::array<Gate, 5> kGates = {{{"Mode", modeGate},
                                                  {"Window", windowGate},
                                                  {"Promotion", promotionGate},
                                                  {"Rehearsal", rehearsalGate},
                                                  {"Approval", approvalGate}}};
  for (const Gate& gate : kGates) {
    GateVerdict verdict = gate.evaluate(input);
    if (!verdict.open) return ClosedGate{gate.name, std::move(verdict)};
  }
  return std::nullopt;
}

}  // namespace retort::op
