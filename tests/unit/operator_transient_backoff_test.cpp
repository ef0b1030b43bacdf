// The backoff before a transiently failed move's Job is recreated, on a fake clock.
#include <gtest/gtest.h>

#include "operator/schema_version/transient_backoff.hpp"

namespace retort::op {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(OperatorTransientBackoff, GrowsFrom30sDoublingTo16MinutesPerObjectAndResetsOnSuccess) {
  auto clock = std::make_shared<FakeClock>();
  TransientBackoff backoff(clock);
  EXPECT_EQ(backoff.remaining("shop/a"), std::nullopt);

  const std::vector<Duration> expected = {seconds(30), minutes(1),  minutes(2), minutes(4),
                                          minutes(8),  minutes(16), minutes(16)};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    backoff.recordFailure("shop/a", "job-uid-" + std::to_string(i));
    EXPECT_EQ(backoff.remaining("shop/a"), expected[i]) << "failure " << i + 1;
    // Another reconcile seeing the same failed Job counts nothing.
    backoff.recordFailure("shop/a", "job-uid-" + std::to_string(i));
    EXPECT_EQ(backoff.failures("shop/a"), static_cast<int>(i) + 1);
    clock->advance(seconds(10));
    EXPECT_EQ(backoff.remaining("shop/a"), expected[i] - seconds(10));
    clock->advance(expected[i]);
    EXPECT_EQ(backoff.remaining("shop/a"), std::nullopt);  // ran out: recreate now
  }
  // Other objects have their own count.
  backoff.recordFailure("shop/b", "other");
  EXPECT_EQ(backoff.remaining("shop/b"), Duration(seconds(30)));

  backoff.reset("shop/a");
  EXPECT_EQ(backoff.failures("shop/a"), 0);
  backoff.recordFailure("shop/a", "job-uid-after-success");
  EXPECT_EQ(backoff.remaining("shop/a"), Duration(seconds(30)));
}

}  // namespace
}  // namespace retort::op
