// decidePolicy: downgrades and data-loss steps are refused unless allowed; lint findings on
// the section a step runs mark it as data loss.
#include <gtest/gtest.h>

#include "engine/lint/plan_annotation.hpp"
#include "engine/revision/plan.hpp"
#include "example_graph.hpp"

namespace retort::engine {
namespace {

RevisionGraph tables() {
  std::vector<Script> scripts;
  scripts.push_back(test::makeScript("r0001"));
  scripts.back().upgrade = {"CREATE TABLE sweets (id int, name text);\n", 10};
  scripts.back().downgrade = SqlSection{"DROP TABLE sweets;\n", 13};
  scripts.push_back(test::makeScript("r0002", {"r0001"}));
  scripts.back().upgrade = {"ALTER TABLE sweets DROP COLUMN name;\n", 10};
  scripts.back().downgrade = SqlSection{"ALTER TABLE sweets ADD COLUMN name text;\n", 13};
  return RevisionGraph(std::move(scripts));
}

TEST(PlanPolicyTest, UpgradeWithoutDataLossIsAllowed) {
  RevisionGraph graph = tables();
  RevisionResolver resolver(graph);
  Plan plan = planMigration(resolver, {}, "r0001");
  lint::annotatePlan(plan, graph);
  EXPECT_FALSE(plan.dataLoss());
  EXPECT_TRUE(decidePolicy(plan, false, false).allowed);
}

TEST(PlanPolicyTest, DroppingAColumnIsDataLoss) {
  RevisionGraph graph = tables();
  RevisionResolver resolver(graph);
  Plan plan = planMigration(resolver, {"r0001"}, "r0002");
  lint::annotatePlan(plan, graph);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_TRUE(plan.steps[0].dataLoss);
  PolicyDecision refused = decidePolicy(plan, false, false);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.reason, "DataLossNotAllowed");
  EXPECT_NE(refused.message.find("r0002"), std::string::npos);
  EXPECT_TRUE(decidePolicy(plan, false, true).allowed);
}

TEST(PlanPolicyTest, DowngradeNeedsPermission) {
  RevisionGraph graph = tables();
  RevisionResolver resolver(graph);
  Plan plan = planMigration(resolver, {"r0002"}, "r0001");
  lint::annotatePlan(plan, graph);
  EXPECT_FALSE(plan.steps[0].dataLoss);  // its downgrade adds the column back
  PolicyDecision refused = decidePolicy(plan, false, true);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.reason, "DowngradeNotAllowed");
  EXPECT_TRUE(decidePolicy(plan, true, false).allowed);
}

TEST(PlanPolicyTest, DowngradeToBaseDropsTheTable) {
  RevisionGraph graph = tables();
  RevisionResolver resolver(graph);
  Plan plan = planMigration(resolver, {"r0002"}, "base");
  lint::annotatePlan(plan, graph);
  EXPECT_TRUE(plan.dataLoss());
  EXPECT_EQ(decidePolicy(plan, true, false).reason, "DataLossNotAllowed");
  EXPECT_TRUE(decidePolicy(plan, true, true).allowed);
}

TEST(PlanPolicyTest, EmptyPlanIsAllowed) {
  RevisionGraph graph = tables();
  RevisionResolver resolver(graph);
  Plan plan = planMigration(resolver, {"r0002"}, "head");
  EXPECT_TRUE(decidePolicy(plan, false, false).allowed);
}

}  // namespace
}  // namespace retort::engine
