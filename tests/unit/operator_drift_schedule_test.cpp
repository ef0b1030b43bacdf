// Where in its interval each SchemaVersion's first drift check falls.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "operator/schema_version/drift_schedule.hpp"

namespace retort::op {
namespace {

TEST(OperatorDriftSchedule, TheOffsetIsDeterministicAndInsideTheInterval) {
  const Duration interval = std::chrono::minutes(5);
  const Duration offset = firstDriftCheckOffset("shop/sweetshop", interval);
  EXPECT_EQ(offset, firstDriftCheckOffset("shop/sweetshop", interval));
  EXPECT_GE(offset, Duration::zero());
  EXPECT_LT(offset, interval);
  EXPECT_NE(offset, firstDriftCheckOffset("shop/sweetshop2", interval));
  EXPECT_EQ(firstDriftCheckOffset("shop/sweetshop", Duration::zero()), Duration::zero());
}

TEST(OperatorDriftSchedule, AThousandObjectsSpreadEvenlyOverTheInterval) {
  const Duration interval = std::chrono::minutes(5);
  std::vector<int> buckets(10, 0);
  for (int i = 0; i < 1000; ++i) {
    const Duration offset = firstDriftCheckOffset("bench/sv-" + std::to_string(i), interval);
    ++buckets[static_cast<std::size_t>(offset * 10 / interval)];
  }
  // Each tenth of the interval gets about 100 checks, none more than 150.
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    EXPECT_GT(buckets[b], 50) << "tenth " << b;
    EXPECT_LT(buckets[b], 150) << "tenth " << b;
  }
}

}  // namespace
}  // namespace retort::op
