#include "operator/schema_version/conditions.hpp"

namespace retort::op {

bool setCondition(std::vector<Condition>& conditions, const Condition& desired,
                  const std::string& now) {
  for (Condition& existing : conditions) {
    if (existing.type != desired.type) continue;
    Condition updated = desired;
    updated.lastTransitionTime =
        existing.status == desired.status && !existing.lastTransitionTime.empty()
            ? existing.lastTransitionTime
            : now;
    if (updated == existing) return false;
    existing = updated;
    return true;
  }
  Condition added = desired;
  added.lastTransitionTime = now;
  conditions.push_back(added);
  return true;
}

const Condition* findCondition(const std::vector<Condition>& conditions, const std::string& type) {
  for (const Condition& c : conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

bool isConditionTrue(const std::vector<Condition>& conditions, const std::string& type) {
  const Condition* c = findCondition(conditions, type);
  return c && c->status == "True";
}

}  // namespace retort::op
