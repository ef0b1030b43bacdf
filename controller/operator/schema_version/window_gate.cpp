#include "operator/schema_version/gate.hpp"

namespace retort::op {

// spec.windows: a move starts only inside a window. A Job already running when its window
// closes is not stopped: killing a migration half way is worse than running late.
GateVerdict windowGate(const GateInput& input) {
  const std::vector<MaintenanceWindow>& windows = input.schemaVersion.spec.windows;
  if (windows.empty()) return {};
  const WindowState state = evaluateWindows(windows, input.now);
  if (state.open) return {};
  std::string names;
  for (const MaintenanceWindow& window : windows)
    names += (names.empty() ? "" : "; ") + describeWindow(window);
  return {false, "OutsideWindow",
          "outside the maintenance windows (" + names + "); the next opens at " +
              wallTimeText(state.nextStart),
          std::chrono::duration_cast<Duration>(state.nextStart - input.now)};
}

}  // namespace retort::op
