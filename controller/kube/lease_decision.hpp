// The leader elector's decisions, as pure functions of what it observed and the local clock
// (client-go's leaderelection rules). A candidate renews a Lease it holds, acquires one that is
// free (no holder: never taken, or released) or whose holder has not changed it for
// leaseDurationSeconds as measured from when *this* process saw it change, and otherwise waits.
// A leader whose renewals have failed for the renew deadline has lost the lease and must stop
// the work it guards. Time comes in from the caller (kube/clock.hpp), so tests need no sleeps.
#pragma once

#include <chrono>
#include <string_view>

#include "kube/clock.hpp"

namespace retort::kube {

enum class LeaseDecision {
  Renew,    // we hold it: write a new renewTime
  Acquire,  // free or expired: take it (a new acquireTime, leaseTransitions + 1)
  Wait,     // another candidate holds it and it has not expired
};

// holder and lease_duration are the Lease's spec.holderIdentity and spec.leaseDurationSeconds;
// observed_at is the local time at which this process last saw the Lease's spec change.
LeaseDecision decide_lease(std::string_view holder, std::string_view identity,
                           std::chrono::seconds lease_duration, TimePoint observed_at,
                           TimePoint now);

// True when a leader whose last successful renewal was at last_renewal must step down.
bool leadership_lost(TimePoint last_renewal, TimePoint now, Duration renew_deadline);

}  // namespace retort::kube
