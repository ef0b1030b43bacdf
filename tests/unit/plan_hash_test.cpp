// The plan and its hash: direction, heads before and after, and what the hash covers.
#include <gtest/gtest.h>

#include "engine/lint/plan_annotation.hpp"
#include "engine/revision/plan.hpp"
#include "engine/util/errors.hpp"
#include "example_graph.hpp"

namespace retort::engine {
namespace {

RevisionGraph chain(const std::string& secondContent = "two") {
  std::vector<Script> scripts;
  scripts.push_back(test::makeScript("r0001"));
  scripts.back().content = "one";
  scripts.push_back(test::makeScript("r0002", {"r0001"}));
  scripts.back().content = secondContent;
  scripts.push_back(test::makeScript("r0003", {"r0002"}));
  scripts.back().content = "three";
  return RevisionGraph(std::move(scripts));
}

TEST(PlanTest, UpgradeFromBaseListsStepsAndHeads) {
  RevisionGraph graph = chain();
  RevisionResolver resolver(graph);
  Plan plan = planMigration(resolver, {}, "head");
  EXPECT_EQ(plan.direction, Plan::Way::Upgrade);
  ASSERT_EQ(plan.steps.size(), 3u);
  EXPECT_EQ(plan.steps[0].revision, "r0001");
  EXPECT_EQ(plan.steps[2].revision, "r0003");
  EXPECT_EQ(plan.steps[1].file, "versions/r0002.sql");
  EXPECT_EQ(plan.toHeads, (std::vector<std::string>{"r0003"}));
  EXPECT_TRUE(plan.fromHeads.empty());
}

TEST(PlanTest, TargetBehindIsADowngrade) {
  RevisionGraph graph = chain();
  RevisionResolver resolver(graph);
  Plan plan = planMigration(resolver, {"r0003"}, "r0001");
  EXPECT_EQ(plan.direction, Plan::Way::Downgrade);
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(plan.steps[0].revision, "r0003");
  EXPECT_FALSE(plan.steps[0].isUpgrade());
  EXPECT_EQ(plan.toHeads, (std::vector<std::string>{"r0001"}));
  EXPECT_EQ(toString(plan.direction), "downgrade");
}

TEST(PlanTest, AtTargetIsEmpty) {
  RevisionGraph graph = chain();
  RevisionResolver resolver(graph);
  Plan plan = planMigration(resolver, {"r0003"}, "head");
  EXPECT_TRUE(plan.empty());
  EXPECT_EQ(toString(plan.direction), "none");
  EXPECT_EQ(plan.toHeads, (std::vector<std::string>{"r0003"}));
}

TEST(PlanTest, UnknownRevisionIsACommandError) {
  RevisionGraph graph = chain();
  RevisionResolver resolver(graph);
  EXPECT_THROW(planMigration(resolver, {}, "nosuch"), CommandError);
}

TEST(PlanHashTest, IsStableAndFormatted) {
  RevisionGraph graph = chain();
  RevisionResolver resolver(graph);
  std::string a = planHash(planMigration(resolver, {}, "head"));
  EXPECT_EQ(a, planHash(planMigration(resolver, {}, "head")));
  EXPECT_EQ(a.rfind("sha256:", 0), 0u);
  EXPECT_EQ(a.size(), 7u + 64u);
}

TEST(PlanHashTest, AnEditedScriptChangesIt) {
  RevisionGraph graph = chain(), edited = chain("two, edited");
  RevisionResolver resolver(graph), editedResolver(edited);
  EXPECT_NE(planHash(planMigration(resolver, {}, "head")),
            planHash(planMigration(editedResolver, {}, "head")));
}

TEST(PlanHashTest, StartingHeadsAndDirectionChangeIt) {
  RevisionGraph graph = chain();
  RevisionResolver resolver(graph);
  std::string fromBase = planHash(planMigration(resolver, {}, "r0002"));
  std::string fromOne = planHash(planMigration(resolver, {"r0001"}, "r0002"));
  EXPECT_NE(fromBase, fromOne);
  // Same single revision, run the other way.
  std::string up = planHash(planMigration(resolver, {"r0001"}, "r0002"));
  std::string down = planHash(planMigration(resolver, {"r0002"}, "r0001"));
  EXPECT_NE(up, down);
}

}  // namespace
}  // namespace retort::engine
