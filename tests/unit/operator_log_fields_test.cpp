// The fields that put a SchemaVersion's namespace and name on every controller log line.
#include <gtest/gtest.h>

#include "operator/runtime/log_fields.hpp"

namespace retort::op {
namespace {

TEST(OperatorLogFieldsTest, SplitsTheQueueKeyIntoNamespaceAndName) {
  const engine::LogFields fields = keyLogFields("shop/sweetshop");
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0], (std::pair<std::string, std::string>{"namespace", "shop"}));
  EXPECT_EQ(fields[1], (std::pair<std::string, std::string>{"name", "sweetshop"}));
}

TEST(OperatorLogFieldsTest, AKeyWithoutNamespaceIsAName) {
  const engine::LogFields fields = keyLogFields("cluster-wide");
  EXPECT_EQ(fields[0].second, "");
  EXPECT_EQ(fields[1].second, "cluster-wide");
}

}  // namespace
}  // namespace retort::op
