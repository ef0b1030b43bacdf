// The pure parts of `retort run --executor alembic`: lint on the SQL Alembic renders offline in
// place of the .py sections, unrendered steps counted as possible data loss, and the step
// helper's failure line.
#include "engine/script/alembic_run.hpp"

#include <gtest/gtest.h>

#include "engine/lint/plan_annotation.hpp"
#include "engine/revision/revision_graph.hpp"

namespace retort::engine {
namespace {

Script script(const std::string& file, const std::string& revision, std::vector<std::string> down) {
  Script s;
  s.path = file;
  s.revision = revision;
  s.downRevisions = std::move(down);
  s.content = "revision = '" + revision + "'\n";
  return s;
}

RevisionGraph project() {
  return RevisionGraph(
      {script("versions/a1_account.py", "a1", {}), script("versions/b2_note.py", "b2", {"a1"})});
}

Plan downgradePlan(const RevisionGraph& graph) {
  Plan plan;
  plan.direction = Plan::Way::Downgrade;
  for (RevisionIndex i : {RevisionIndex{1}, RevisionIndex{0}}) {
    PlannedStep step;
    step.step.kind = MigrationStep::Kind::Downgrade;
    step.step.revision = i;
    step.revision = graph.id(i);
    step.file = graph.script(i).path.string();
    plan.steps.push_back(step);
  }
  return plan;
}

RenderedStep sql(const std::string& text) {
  RenderedStep step;
  step.sql = text;
  return step;
}

RenderedStep unrenderable(int line, const std::string& reason) {
  RenderedStep step;
  step.renderable = false;
  step.line = line;
  step.reason = reason;
  return step;
}

TEST(AlembicRun, RenderedSqlReplacesThePythonSections) {
  RevisionGraph graph = project();
  std::vector<Script> scripts =
      scriptsWithRenderedSql(graph, {{"a1", sql("CREATE TABLE account (id int);\n")}},
                             {{"a1", sql("DROP TABLE account;\n")}});
  ASSERT_EQ(scripts.size(), 2u);
  EXPECT_EQ(scripts[0].upgrade.sql, "CREATE TABLE account (id int);\n");
  EXPECT_EQ(scripts[0].upgrade.firstLine, 1);
  ASSERT_TRUE(scripts[0].downgrade.has_value());
  EXPECT_EQ(scripts[0].downgrade->sql, "DROP TABLE account;\n");
  EXPECT_EQ(scripts[1].upgrade.sql, "");  // not rendered: left as it was
  EXPECT_FALSE(scripts[1].downgrade.has_value());
}

TEST(AlembicRun, LintOnTheRenderedSqlFindsDataLoss) {
  RevisionGraph graph = project();
  RevisionGraph rendered(
      scriptsWithRenderedSql(graph,
                             {{"a1", sql("CREATE TABLE account (id int);\n")},
                              {"b2", sql("ALTER TABLE account ADD COLUMN note text;\n")}},
                             {{"a1", sql("DROP TABLE account;\n")},
                              {"b2", sql("ALTER TABLE account DROP COLUMN note;\n")}}));
  Plan plan = downgradePlan(graph);
  lint::annotatePlan(plan, rendered);
  EXPECT_TRUE(plan.steps[0].dataLoss);  // DROP COLUMN
  EXPECT_TRUE(plan.steps[1].dataLoss);  // DROP TABLE
  EXPECT_TRUE(plan.dataLoss());
}

TEST(AlembicRun, UnrenderedStepsCountAsPossibleDataLoss) {
  RevisionGraph graph = project();
  Plan plan = downgradePlan(graph);
  markUnrenderedSteps(plan, graph,
                      {{"b2", unrenderable(19, "get_bind( needs a database connection")},
                       {"a1", sql("SELECT 1;\n")}});
  ASSERT_EQ(plan.steps[0].findings.size(), 1u);
  const lint::Finding& finding = plan.steps[0].findings[0];
  EXPECT_EQ(finding.ruleId, "alembic-unrendered");
  EXPECT_EQ(finding.category, lint::Category::DataLoss);
  EXPECT_EQ(finding.file, "versions/b2_note.py");
  EXPECT_EQ(finding.line, 19);
  EXPECT_EQ(finding.section, "downgrade");
  EXPECT_NE(finding.message.find("get_bind( needs a database connection"), std::string::npos);
  EXPECT_TRUE(plan.steps[0].dataLoss);
  EXPECT_TRUE(plan.steps[1].findings.empty());  // rendered: lint decides
  EXPECT_FALSE(plan.steps[1].dataLoss);

  Plan nothingRendered = downgradePlan(graph);
  markUnrenderedSteps(nothingRendered, graph, {});
  EXPECT_TRUE(nothingRendered.steps[0].dataLoss);
  EXPECT_TRUE(nothingRendered.steps[1].dataLoss);
  EXPECT_NE(nothingRendered.steps[1].findings[0].message.find("no SQL was rendered"),
            std::string::npos);
}

TEST(AlembicRun, SqlScriptsAreNotMarked) {
  RevisionGraph graph({script("versions/a1_account.sql", "a1", {})});
  Plan plan;
  PlannedStep step;
  step.step.revision = 0;
  step.revision = "a1";
  step.file = "versions/a1_account.sql";
  plan.steps.push_back(step);
  markUnrenderedSteps(plan, graph, {});
  EXPECT_TRUE(plan.steps[0].findings.empty());
  EXPECT_FALSE(plan.steps[0].dataLoss);
}

TEST(AlembicRun, StepFailureLineFromTheHelper) {
  std::optional<AlembicStepFailure> failure = parseAlembicStepFailure(
      "Traceback (most recent call last):\n  ...\n"
      "retort:failed 37 42P01 ProgrammingError: relation \"no_such_table\" does not exist\n");
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->line, 37);
  EXPECT_EQ(failure->sqlstate, "42P01");
  EXPECT_EQ(failure->message, "ProgrammingError: relation \"no_such_table\" does not exist");

  failure = parseAlembicStepFailure("retort:failed 0 - ValueError: bad\n");
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->line, 0);
  EXPECT_EQ(failure->sqlstate, "");

  EXPECT_FALSE(parseAlembicStepFailure("Traceback ...\nKeyError: 'x'\n").has_value());
  EXPECT_FALSE(parseAlembicStepFailure("retort:failed notanumber 42P01 x\n").has_value());
}

}  // namespace
}  // namespace retort::engine
