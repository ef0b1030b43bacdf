// `retort run --lock-timeout ... --lock-retries N` against a real blocker: a second session
// holding an ACCESS EXCLUSIVE lock on the table a step alters. Released while the run waits,
// the step is retried and applied; held throughout, the run ends transient and names it.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli_runner.hpp"
#include "engine/runtime/connection.hpp"
#include "postgres_server.hpp"

namespace retort::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* kBlockerApplication = "lock-retry-blocker";

std::string scalar(const std::string& url, const std::string& sql) {
  engine::Connection c(url);
  engine::Result r = c.exec(sql);
  return r.rows() == 0 || r.isNull(0, 0) ? "NULL" : r.value(0, 0);
}

nlohmann::json readReport(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return nlohmann::json::parse(s.str());
}

class LockRetryTest : public ::testing::Test {
 protected:
  std::string url;
  fs::path location = emptyScriptLocation();
  fs::path report = location / "report.json";

  void SetUp() override {
    url = PostgresServer::shared().createDatabase(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    engine::Connection c(url);
    c.exec("CREATE TABLE t (id int)");
    writeScript(location, "1_a.sql",
                "-- revision: aaaa0001\n\n-- migrate:upgrade\nCREATE TABLE a (id int);\n");
    writeScript(location, "2_b.sql",
                "-- revision: bbbb0002\n-- down_revision: aaaa0001\n\n-- migrate:upgrade\n"
                "ALTER TABLE t ADD COLUMN note text;\n");
  }

  // A session holding the lock that step bbbb0002's ALTER needs, in an open transaction.
  std::unique_ptr<engine::Connection> blocker() {
    auto c = std::make_unique<engine::Connection>(url);
    c->exec(std::string("SET application_name = '") + kBlockerApplication + "'");
    c->exec("BEGIN");
    c->exec("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
    return c;
  }

  std::future<CliResult> startRun(int retries) {
    std::string arguments = "-d " + location.string() + " --lock-timeout 300ms --lock-retries " +
                            std::to_string(retries) + " run head --backup disabled --report " +
                            report.string();
    return std::async(std::launch::async, [arguments, u = url] { return runRetort(arguments, u); });
  }

  // Bounded: true once a session of this database other than `except` waits on a lock.
  bool seenWaiting(int exceptPid) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    engine::Connection watcher(url);
    while (std::chrono::steady_clock::now() < deadline) {
      engine::Result r = watcher.exec(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
          "AND wait_event_type = 'Lock' AND pid <> " +
          std::to_string(exceptPid));
      if (r.value(0, 0) != "0") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
};

TEST_F(LockRetryTest, ABlockerReleasedDuringTheRunIsWaitedOutAndTheStepApplied) {
  std::unique_ptr<engine::Connection> held = blocker();
  const int blockerPid = std::stoi(held->exec("SELECT pg_backend_pid()").value(0, 0));
  std::future<CliResult> run = startRun(10);
  // Released from another thread once the run is seen waiting, then about a second later, so
  // that at least one 300 ms lock timeout fires first.
  std::thread release([&] {
    ASSERT_TRUE(seenWaiting(blockerPid));
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    held->exec("COMMIT");
  });
  CliResult r = run.get();
  release.join();
  ASSERT_EQ(r.exitCode, 0) << r.err;
  nlohmann::json j = readReport(report);
  EXPECT_EQ(j["outcome"], "Succeeded");
  EXPECT_GE(j["lockRetries"].get<int>(), 1);
  EXPECT_EQ(scalar(url, "SELECT string_agg(version_num, ',') FROM alembic_version"), "bbbb0002");
  EXPECT_EQ(scalar(url,
                   "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' "
                   "AND column_name = 'note'"),
            "1");
  EXPECT_NE(r.err.find("lock timeout on step bbbb0002"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("try 1 of 11"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pid " + std::to_string(blockerPid) + " (application " +
                       kBlockerApplication + ", state idle in transaction"),
            std::string::npos)
      << r.err;
  // The blocker's query text is never logged.
  EXPECT_EQ(r.err.find("LOCK TABLE"), std::string::npos) << r.err;
}

TEST_F(LockRetryTest, ABlockerHeldThroughoutEndsTheRunTransientNamingStepAndBlocker) {
  std::unique_ptr<engine::Connection> held = blocker();
  const std::string blockerPid = held->exec("SELECT pg_backend_pid()").value(0, 0);
  CliResult r = startRun(2).get();
  held->exec("ROLLBACK");
  EXPECT_EQ(r.exitCode, 5) << r.err;
  nlohmann::json j = readReport(report);
  EXPECT_EQ(j["outcome"], "Transient");
  EXPECT_EQ(j["lockRetries"], 2);
  EXPECT_EQ(j["failedStep"]["revision"], "bbbb0002");
  EXPECT_EQ(j["failedStep"]["sqlstate"], "55P03");
  const std::string message = j["message"];
  EXPECT_NE(message.find("bbbb0002"), std::string::npos) << message;
  EXPECT_NE(message.find("2_b.sql"), std::string::npos) << message;
  EXPECT_NE(message.find("after 3 tries"), std::string::npos) << message;
  EXPECT_NE(message.find("pid " + blockerPid + " (application " + kBlockerApplication),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("LOCK TABLE"), std::string::npos) << message;
  // The step before stays committed; the blocked one is not applied.
  EXPECT_EQ(scalar(url, "SELECT string_agg(version_num, ',') FROM alembic_version"), "aaaa0001");
  EXPECT_EQ(scalar(url,
                   "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' "
                   "AND column_name = 'note'"),
            "0");
}

}  // namespace
}  // namespace retort::test
