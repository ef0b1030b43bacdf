// The lock budget's pure parts: the backoff schedule and how a blocker is described.
#include "engine/runtime/lock_retry.hpp"

#include <gtest/gtest.h>

namespace retort::engine {
namespace {

using std::chrono::milliseconds;

TEST(LockRetryDelay, DoublesFrom200MillisecondsUpTo5Seconds) {
  EXPECT_EQ(lockRetryDelay(1, 0), milliseconds(200));
  EXPECT_EQ(lockRetryDelay(2, 0), milliseconds(400));
  EXPECT_EQ(lockRetryDelay(3, 0), milliseconds(800));
  EXPECT_EQ(lockRetryDelay(5, 0), milliseconds(3200));
  EXPECT_EQ(lockRetryDelay(6, 0), milliseconds(5000));
  EXPECT_EQ(lockRetryDelay(7, 0), milliseconds(5000));
  // A retry count past any realistic budget neither overflows nor exceeds the cap.
  EXPECT_EQ(lockRetryDelay(1000000, 0), milliseconds(5000));
}

TEST(LockRetryDelay, JitterMovesTheDelayByAtMostTwentyPercent) {
  EXPECT_EQ(lockRetryDelay(1, -1), milliseconds(160));
  EXPECT_EQ(lockRetryDelay(1, 1), milliseconds(240));
  EXPECT_EQ(lockRetryDelay(2, 0.5), milliseconds(440));
  EXPECT_EQ(lockRetryDelay(10, 1), milliseconds(6000));
  EXPECT_EQ(lockRetryDelay(10, -1), milliseconds(4000));
  // Out-of-range jitter is clamped rather than trusted.
  EXPECT_EQ(lockRetryDelay(1, 7), milliseconds(240));
  EXPECT_EQ(lockRetryDelay(1, -7), milliseconds(160));
}

TEST(DescribeBlockers, NamesPidApplicationStateAndTransactionAge) {
  LockBlocker b{1234, "psql", "idle in transaction", 12.34};
  EXPECT_EQ(describeBlockers({b}),
            "pid 1234 (application psql, state idle in transaction, transaction open 12.3 s)");
  LockBlocker c{77, "", "active", std::nullopt};
  EXPECT_EQ(describeBlockers({b, c}),
            "pid 1234 (application psql, state idle in transaction, transaction open 12.3 s), "
            "pid 77 (application unnamed, state active)");
  EXPECT_EQ(describeBlockers({}), "an unknown session");
}

}  // namespace
}  // namespace retort::engine
