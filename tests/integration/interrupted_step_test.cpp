// A `transactional: false` step killed half way: its first statements are committed, the
// version row is not. The next run must refuse, naming the revision and the statement reached,
// and `retort resolve` records the human's verdict (applied or not applied).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "cli_runner.hpp"
#include "engine/runtime/connection.hpp"
#include "postgres_server.hpp"

namespace retort::test {
namespace {

class InterruptedStep : public ::testing::Test {
 protected:
  void SetUp() override {
    url = PostgresServer::shared().createDatabase(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    location = emptyScriptLocation();
    writeScript(location, "1_a.sql",
                "-- revision: aaaa0001\n\n-- migrate:upgrade\nCREATE TABLE blocker (id int);\n");
    writeScript(location, "2_b.sql",
                "-- revision: bbbb0002\n-- down_revision: aaaa0001\n-- transactional: false\n\n"
                "-- migrate:upgrade\n"
                "CREATE TABLE made_early (id int);\n"   // line 6
                "SELECT count(*) FROM blocker;\n"       // line 7: where the kill lands
                "CREATE TABLE made_late (id int);\n");  // line 8
    ASSERT_EQ(cli("upgrade aaaa0001").exitCode, 0);
  }

  CliResult cli(const std::string& args) {
    return runRetort("-d " + location.string() + " " + args, url);
  }
  std::string scalar(const std::string& sql) {
    engine::Connection c(url);
    engine::Result r = c.exec(sql);
    return r.rows() == 0 || r.isNull(0, 0) ? "NULL" : r.value(0, 0);
  }

  // Starts `retort upgrade head`, waits until its second statement is blocked on the test's
  // lock, and kills it with SIGKILL: no handler runs, exactly like a lost pod.
  void killUpgradeMidStep() {
    engine::Connection holder(url);
    holder.exec("BEGIN");
    holder.exec("LOCK TABLE blocker IN ACCESS EXCLUSIVE MODE");
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::setenv("DATABASE_URL", url.c_str(), 1);
      std::string dir = location.string();
      ::execl(RETORT_BINARY, RETORT_BINARY, "-d", dir.c_str(), "upgrade", "head",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    engine::Connection watcher(url);
    bool blocked = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!blocked && std::chrono::steady_clock::now() < deadline) {
      blocked = watcher
                    .exec(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query LIKE 'SELECT count(*) FROM blocker%'")
                    .value(0, 0) == "1";
      if (!blocked) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    holder.exec("ROLLBACK");
    ASSERT_TRUE(blocked) << "the upgrade never reached the blocking statement";
  }

  std::string url;
  std::filesystem::path location;
};

TEST_F(InterruptedStep, RerunRefusesNamingTheRevisionAndStatementReached) {
  killUpgradeMidStep();
  EXPECT_EQ(scalar("SELECT version_num FROM alembic_version"), "aaaa0001");
  EXPECT_EQ(scalar("SELECT to_regclass('made_early')::text"), "made_early");

  CliResult rerun = cli("upgrade head");
  EXPECT_NE(rerun.exitCode, 0);
  EXPECT_EQ(rerun.err.find("already exists"), std::string::npos) << rerun.err;
  EXPECT_NE(rerun.err.find("bbbb0002"), std::string::npos) << rerun.err;
  EXPECT_NE(rerun.err.find("2_b.sql:7"), std::string::npos) << rerun.err;
  EXPECT_NE(rerun.err.find("retort resolve bbbb0002"), std::string::npos) << rerun.err;
  EXPECT_EQ(scalar("SELECT version_num FROM alembic_version"), "aaaa0001");
}

TEST_F(InterruptedStep, ResolvedAsNotAppliedRunsTheStepAgain) {
  killUpgradeMidStep();
  // The human undoes what the interrupted step did, then says so.
  engine::Connection(url).exec("DROP TABLE made_early");
  CliResult resolved = cli("resolve bbbb0002 --not-applied");
  ASSERT_EQ(resolved.exitCode, 0) << resolved.err;
  CliResult rerun = cli("upgrade head");
  ASSERT_EQ(rerun.exitCode, 0) << rerun.err;
  EXPECT_EQ(scalar("SELECT version_num FROM alembic_version"), "bbbb0002");
  EXPECT_EQ(scalar("SELECT to_regclass('made_late')::text"), "made_late");
  EXPECT_EQ(scalar("SELECT count(*) FROM alembic_version_history WHERE revision = 'bbbb0002' "
                   "AND success"),
            "1");
}

TEST_F(InterruptedStep, ResolvedAsAppliedMovesTheVersion) {
  killUpgradeMidStep();
  // The human finishes the step by hand, then says so.
  engine::Connection(url).exec("CREATE TABLE made_late (id int)");
  CliResult resolved = cli("resolve bbbb0002 --applied");
  ASSERT_EQ(resolved.exitCode, 0) << resolved.err;
  EXPECT_EQ(scalar("SELECT version_num FROM alembic_version"), "bbbb0002");
  CliResult rerun = cli("upgrade head");
  EXPECT_EQ(rerun.exitCode, 0) << rerun.err;
  EXPECT_EQ(cli("resolve bbbb0002 --applied").exitCode, 255) << "nothing left to resolve";
}

TEST_F(InterruptedStep, TransactionControlInATransactionalStepIsRefused) {
  writeScript(location, "3_c.sql",
              "-- revision: cccc0003\n-- down_revision: aaaa0001\n\n-- migrate:upgrade\n"
              "CREATE TABLE kept (id int);\nCOMMIT;\nCREATE TABLE lost (id int);\n");
  CliResult result = cli("upgrade cccc0003");
  EXPECT_NE(result.exitCode, 0);
  EXPECT_NE(result.err.find("3_c.sql:6"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("COMMIT"), std::string::npos) << result.err;
  EXPECT_EQ(scalar("SELECT version_num FROM alembic_version"), "aaaa0001");
  EXPECT_EQ(scalar("SELECT to_regclass('kept')::text"), "NULL");
}

}  // namespace
}  // namespace retort::test
