#include "kube/lease_decision.hpp"

namespace retort::kube {

LeaseDecision decide_lease(std::string_view holder, std::string_view identity,
                           std::chrono::seconds lease_duration, TimePoint observed_at,
                           TimePoint now) {
  if (holder.empty()) return LeaseDecision::Acquire;
  if (holder == identity) return LeaseDecision::Renew;
  // Judged by the local observation time, never by the renewTime another host wrote, so clock
  // skew between nodes cannot elect two leaders.
  return observed_at + lease_duration > now ? LeaseDecision::Wait : LeaseDecision::Acquire;
}

bool leadership_lost(TimePoint last_renewal, TimePoint now, Duration renew_deadline) {
  return now - last_renewal >= renew_deadline;
}

}  // namespace retort::kube
