#include <algorithm>

#include "operator/schema_version/gate.hpp"
#include "operator/schema_version/metric_values.hpp"

namespace retort::op {
namespace {

constexpr std::chrono::seconds kRecheck{30};

}  // namespace

// spec.promotion.after: each named SchemaVersion has been Ready, at exactly the revision ids
// this move's plan ends at, for at least readyFor. The ids come from the plan, never from
// `head`: staging proved those revisions, not whatever the image holds now.
GateVerdict promotionGate(const GateInput& input) {
  const SchemaVersion& sv = input.schemaVersion;
  if (sv.spec.promotionAfter.empty()) return {};
  if (!input.plan) return {false, "WaitingForPromotion", "waiting for the plan", std::nullopt};
  const std::vector<std::string>& want = input.plan->to;
  std::vector<std::string> missing;
  std::optional<Duration> soonest;
  for (std::size_t i = 0; i < sv.spec.promotionAfter.size(); ++i) {
    const PromotionSource& source = sv.spec.promotionAfter[i];
    const std::string key = (source.ns.empty() ? sv.ns : source.ns) + "/" + source.name;
    const PromotionSourceState* state =
        i < input.promotionSources.size() ? &input.promotionSources[i] : nullptr;
    if (!state || !state->problem.empty()) {
      missing.push_back(key + " " + (state ? state->problem : "not read"));
      continue;
    }
    if (!state->ready || !sameRevisions(state->currentRevisions, want)) {
      missing.push_back(key + " is " + (state->ready ? "Ready" : "not Ready") + " at " +
                        describeRevisions(state->currentRevisions) + ", not Ready at " +
                        describeRevisions(want));
      continue;
    }
    const std::optional<WallTime> since = wallTimeFrom(state->readySince);
    const WallTime soakedAt = since.value_or(input.now) + source.readyFor;
    if (!since || soakedAt > input.now) {
      missing.push_back(key + " is Ready at " + describeRevisions(want) + " since " +
                        state->readySince + ", needs " + formatDuration(source.readyFor) +
                        " (until " + wallTimeText(soakedAt) + ")");
      const auto left = std::chrono::duration_cast<Duration>(soakedAt - input.now);
      if (since && (!soonest || left < *soonest)) soonest = left;
    }
  }
  if (missing.empty()) return {};
  std::string message = "promotion: ";
  for (std::size_t i = 0; i < missing.size(); ++i) message += (i ? "; " : "") + missing[i];
  const Duration recheck = std::min<Duration>(soonest.value_or(kRecheck), kRecheck);
  message += "; checked again in " +
             formatDuration(std::chrono::duration_cast<std::chrono::seconds>(recheck));
  return {false, "WaitingForPromotion", message, recheck};
}

}  // namespace retort::op
