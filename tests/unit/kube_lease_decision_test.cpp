// The leader elector's decisions on the local clock: renew our own lease, take a free or
// expired one, wait while another holder's lease runs, step down after the renew deadline.
#include <gtest/gtest.h>

#include "kube/lease_decision.hpp"

namespace retort::kube {
namespace {

using std::chrono::seconds;

const TimePoint kSeen{std::chrono::hours(1)};

TEST(LeaseDecisionTest, RenewsItsOwnLeaseEvenWhenItLooksExpired) {
  EXPECT_EQ(decide_lease("me", "me", seconds(15), kSeen, kSeen), LeaseDecision::Renew);
  EXPECT_EQ(decide_lease("me", "me", seconds(15), kSeen, kSeen + seconds(60)),
            LeaseDecision::Renew);
}

TEST(LeaseDecisionTest, AcquiresAFreeOrReleasedLease) {
  EXPECT_EQ(decide_lease("", "me", seconds(15), kSeen, kSeen), LeaseDecision::Acquire);
  EXPECT_EQ(decide_lease("", "me", seconds(1), kSeen, kSeen), LeaseDecision::Acquire);
}

TEST(LeaseDecisionTest, WaitsForAnotherHoldersLeaseToExpireByLocalObservation) {
  EXPECT_EQ(decide_lease("other", "me", seconds(15), kSeen, kSeen), LeaseDecision::Wait);
  EXPECT_EQ(decide_lease("other", "me", seconds(15), kSeen, kSeen + seconds(14)),
            LeaseDecision::Wait);
  EXPECT_EQ(decide_lease("other", "me", seconds(15), kSeen, kSeen + seconds(15)),
            LeaseDecision::Acquire);
  EXPECT_EQ(decide_lease("other", "me", seconds(15), kSeen, kSeen + seconds(16)),
            LeaseDecision::Acquire);
}

TEST(LeaseDecisionTest, AHolderWithoutADurationHasExpired) {
  EXPECT_EQ(decide_lease("other", "me", seconds(0), kSeen, kSeen), LeaseDecision::Acquire);
}

TEST(LeaseDecisionTest, LeadershipIsLostOnlyAtTheRenewDeadline) {
  EXPECT_FALSE(leadership_lost(kSeen, kSeen, seconds(10)));
  EXPECT_FALSE(leadership_lost(kSeen, kSeen + seconds(9), seconds(10)));
  EXPECT_TRUE(leadership_lost(kSeen, kSeen + seconds(10), seconds(10)));
  EXPECT_TRUE(leadership_lost(kSeen, kSeen + seconds(30), seconds(10)));
}

}  // namespace
}  // namespace retort::kube
