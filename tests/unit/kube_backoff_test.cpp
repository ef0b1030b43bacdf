// The reconnect backoff's schedule, on a fake clock: doubling from the initial delay up to the
// cap, jitter within one step, back to the start after reset() or a quiet period.
#include <gtest/gtest.h>

#include <set>

#include "kube/backoff.hpp"

namespace retort::kube {
namespace {

using std::chrono::milliseconds;

class BackoffTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  Backoff backoff{milliseconds(800), milliseconds(30000), milliseconds(120000), clock, 42};

  // Fails with the delay's step when the delay is outside [step, 2 * step].
  void expect_step(milliseconds step) {
    const milliseconds delay = backoff.next();
    EXPECT_GE(delay, step) << "delay " << delay.count() << " ms";
    EXPECT_LE(delay, 2 * step) << "delay " << delay.count() << " ms";
  }
};

TEST_F(BackoffTest, DoublesFromTheInitialDelayUpToTheCap) {
  for (long long step : {800, 1600, 3200, 6400, 12800, 25600, 30000, 30000}) {
    SCOPED_TRACE(step);
    expect_step(milliseconds(step));
    clock->advance(std::chrono::seconds(1));
  }
}

TEST_F(BackoffTest, ResetStartsOver) {
  expect_step(milliseconds(800));
  expect_step(milliseconds(1600));
  backoff.reset();
  expect_step(milliseconds(800));
}

TEST_F(BackoffTest, StartsOverAfterAQuietPeriodButNotBefore) {
  expect_step(milliseconds(800));
  clock->advance(std::chrono::seconds(119));
  expect_step(milliseconds(1600));  // failures 119 s apart still escalate
  clock->advance(std::chrono::seconds(121));
  expect_step(milliseconds(800));  // more than two minutes without a failure
}

TEST_F(BackoffTest, JitterSpreadsTheDelays) {
  std::set<long long> delays;
  for (int i = 0; i < 20; ++i) {
    delays.insert(backoff.next().count());
    backoff.reset();
  }
  EXPECT_GT(delays.size(), 10u) << "the delays of twenty clients would be in step";
}

TEST_F(BackoffTest, TheSameSeedGivesTheSameSchedule) {
  Backoff twin{milliseconds(800), milliseconds(30000), milliseconds(120000), clock, 42};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(backoff.next(), twin.next());
}

}  // namespace
}  // namespace retort::kube
