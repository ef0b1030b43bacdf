#include <gtest/gtest.h>

#include "engine/revision/stamp_plan.hpp"
#include "engine/revision/version_heads.hpp"
#include "engine/runtime/offline_sql.hpp"
#include "example_graph.hpp"

namespace retort::engine {
namespace {

class StampTest : public ::testing::Test {
 protected:
  RevisionGraph graph = test::alembicExampleGraph();
  RevisionResolver resolver{graph};

  std::vector<std::string> stamp(std::vector<std::string> rows,
                                 std::vector<std::string> destinations,
                                 std::vector<std::string>* log = nullptr) {
    VersionHeads heads(graph, rows);
    for (const MigrationStep& step : planStamp(graph, resolver, rows, destinations)) {
      if (log) log->push_back(step.shortLog(graph));
      heads.advance(step);
    }
    std::vector<std::string> out = heads.rows();
    std::sort(out.begin(), out.end());
    return out;
  }
};

// The sequence observed with real Alembic (research notes, engines.md section 1.4).
TEST_F(StampTest, FollowsAlembicsObservedSequence) {
  std::vector<std::string> log;
  EXPECT_EQ(stamp({}, {"eeee5555"}, &log), (std::vector<std::string>{"eeee5555"}));
  EXPECT_EQ(log.back(), "stamp_revision  -> eeee5555");
  EXPECT_EQ(stamp({"eeee5555"}, {"bbbb2222"}), (std::vector<std::string>{"bbbb2222"}));
  EXPECT_EQ(stamp({"bbbb2222"}, {"cccc3333", "dddd4444"}),
            (std::vector<std::string>{"cccc3333", "dddd4444"}));
  log.clear();
  EXPECT_EQ(stamp({"cccc3333", "dddd4444"}, {"aaaa1111"}, &log),
            (std::vector<std::string>{"aaaa1111"}));
  EXPECT_EQ(log.back(), "stamp_revision cccc3333, dddd4444 -> aaaa1111");
  log.clear();
  EXPECT_EQ(stamp({"aaaa1111"}, {"base"}, &log), (std::vector<std::string>{}));
  EXPECT_EQ(log.back(), "stamp_revision aaaa1111 -> ");
  EXPECT_EQ(stamp({}, {"heads"}), (std::vector<std::string>{"eeee5555", "ffff0002"}));
  EXPECT_EQ(stamp({"eeee5555"}, {"eeee5555"}), (std::vector<std::string>{"eeee5555"}));
}

TEST(OfflineSql, MatchesAlembicsLayout) {
  std::vector<Script> scripts;
  scripts.push_back(test::makeScript("aaaa1111"));
  scripts.push_back(test::makeScript("bbbb2222", {"aaaa1111"}));
  scripts[0].upgrade.sql = "CREATE TABLE account (id int);\n";
  scripts[1].upgrade.sql = "ALTER TABLE account ADD COLUMN last_tx timestamp;\n";
  RevisionGraph graph(std::move(scripts));
  RevisionResolver resolver(graph);
  std::vector<MigrationStep> steps;
  for (RevisionIndex i : resolver.upgradePlan({}, "head").order) {
    MigrationStep step;
    step.revision = i;
    steps.push_back(step);
  }
  EXPECT_EQ(renderOfflineSql(graph, steps, {}, VersionTableName{}),
            "BEGIN;\n\n"
            "CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n"
            "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n"
            "-- Running upgrade  -> aaaa1111\n\n"
            "CREATE TABLE account (id int);\n\n"
            "INSERT INTO alembic_version (version_num) VALUES ('aaaa1111');\n\n"
            "-- Running upgrade aaaa1111 -> bbbb2222\n\n"
            "ALTER TABLE account ADD COLUMN last_tx timestamp;\n\n"
            "UPDATE alembic_version SET version_num='bbbb2222' WHERE alembic_version.version_num = "
            "'aaaa1111';\n\n"
            "COMMIT;\n\n");
}

TEST(OfflineSql, NonTransactionalStepsLeaveTheTransaction) {
  std::vector<Script> scripts;
  scripts.push_back(test::makeScript("aaaa1111"));
  scripts[0].transactional = false;
  scripts[0].upgrade.sql = "CREATE INDEX CONCURRENTLY i ON t (x);\n";
  RevisionGraph graph(std::move(scripts));
  MigrationStep step;
  step.revision = 0;
  std::string sql =
      renderOfflineSql(graph, {step}, {"zzzz"}, VersionTableName{"alembic_version", "app"});
  EXPECT_NE(sql.find("COMMIT;\n\nCREATE INDEX CONCURRENTLY i ON t (x);\n\nBEGIN;\n\n"),
            std::string::npos)
      << sql;
  EXPECT_EQ(sql.find("CREATE TABLE"), std::string::npos);
  EXPECT_NE(sql.find("INSERT INTO app.alembic_version"), std::string::npos);
}

}  // namespace
}  // namespace retort::engine
