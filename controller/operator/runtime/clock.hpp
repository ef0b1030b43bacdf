// The controller runtime's clock is the kube client's (kube/clock.hpp): one clock for the
// whole controller. This header keeps the operator's names (retort::op::Clock, SteadyClock,
// FakeClock, Duration, TimePoint) working.
// Folder and namespace: `operator` is a C++ keyword, so the code under controller/operator/
// lives in namespace retort::op (the one exception to folder = namespace).
#pragma once

#include "kube/clock.hpp"

namespace retort::op {

using kube::Clock;
using kube::Duration;
using kube::FakeClock;
using kube::SteadyClock;
using kube::TimePoint;

}  // namespace retort::op
