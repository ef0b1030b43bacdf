// Status conditions in the kstatus sense: Ready, Reconciling and Stalled (abnormal-true
// Reconciling/Stalled, so Flux, Argo CD and `kubectl wait --for=condition=Ready` read health),
// plus BackupSucceeded and Drifted. setCondition() keeps lastTransitionTime when the status
// did not change, so rewriting the same reason or message is not a transition.
#pragma once

#include <string>
#include <vector>

#include "operator/schema_version/schema_version.hpp"

namespace retort::op {

namespace condition {
inline constexpr const char* kReady = "Ready";
inline constexpr const char* kReconciling = "Reconciling";
inline constexpr const char* kStalled = "Stalled";
inline constexpr const char* kBackupSucceeded = "BackupSucceeded";
inline constexpr const char* kDrifted = "Drifted";
// With spec.rehearsal: whether the move's plan succeeded on a restored copy.
inline constexpr const char* kRehearsed = "Rehearsed";
}  // namespace condition

// Sets (or adds) the condition of desired.type. lastTransitionTime becomes `now` only when the
// status changed or the condition is new; reason, message and observedGeneration are taken
// from desired. Returns true if anything in the list changed.
bool setCondition(std::vector<Condition>& conditions, const Condition& desired,
                  const std::string& now);
const Condition* findCondition(const std::vector<Condition>& conditions, const std::string& type);
bool isConditionTrue(const std::vector<Condition>& conditions, const std::string& type);

}  // namespace retort::op
