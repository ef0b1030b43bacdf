// PostgreSQL stopped (`pg_ctl stop -m immediate`) while `retort run` executes a step. A
// transactional step was rolled back by the server with the session, so the run is transient
// (exit 5, DESIGN.md section 5) and the Job's retry finishes it once the server is back. A
// `transactional: false` step may have committed statements: it stays marked started for
// `retort resolve`, a permanent failure. Each test has a server of its own to stop.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli_runner.hpp"
#include "engine/runtime/connection.hpp"
#include "postgres_server.hpp"

namespace retort::test {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ConnectionLost : public ::testing::Test {
 protected:
  void SetUp() override {
    url = server.createDatabase("connection_lost");
    location = emptyScriptLocation();
    work = location;
    report = work / "report.json";
    writeScript(location, "1_a.sql",
                "-- revision: aaaa0001\n\n-- migrate:upgrade\nCREATE TABLE first_step (id int);\n");
  }

  void writeSecondStep(bool transactional, int sleepSeconds) {
    writeScript(location, "2_b.sql",
                std::string("-- revision: bbbb0002\n-- down_revision: aaaa0001\n") +
                    (transactional ? "" : "-- transactional: false\n") +
                    "\n-- migrate:upgrade\nCREATE TABLE second_step (id int);\nSELECT pg_sleep(" +
                    std::to_string(sleepSeconds) + ");\n");
  }

  std::string scalar(const std::string& sql) {
    engine::Connection c(url);
    engine::Result r = c.exec(sql);
    return r.rows() == 0 || r.isNull(0, 0) ? "NULL" : r.value(0, 0);
  }

  CliResult run(const std::string& arguments) {
    ::setenv("DATABASE_URL", url.c_str(), 1);
    CliResult result = runRetort("-d " + location.string() + " run " + arguments +
                                 " --backup disabled --report " + report.string());
    ::unsetenv("DATABASE_URL");
    return result;
  }

  // Starts `retort run head`, waits until its pg_sleep is running on the server, stops the
  // server at once and returns the run's exit code (-1 if it did not end within a minute).
  int runAndStopServerMidStep() {
    pid_t child = ::fork();
    if (child < 0) return -1;
    if (child == 0) {
      ::setenv("DATABASE_URL", url.c_str(), 1);
      int out = ::open((work / "run.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(out, 1);
      ::dup2(out, 2);
      std::string dir = location.string(), path = report.string();
      ::execl(RETORT_BINARY, RETORT_BINARY, "-d", dir.c_str(), "run", "head", "--backup",
              "disabled", "--retry-for", "0", "--report", path.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    bool sleeping = false;
    {
      engine::Connection watcher(url);
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (!sleeping && std::chrono::steady_clock::now() < deadline) {
        sleeping = watcher
                       .exec(
                           "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND "
                           "wait_event = 'PgSleep' AND pid <> pg_backend_pid()")
                       .value(0, 0) == "1";
        if (!sleeping) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    EXPECT_TRUE(sleeping) << "the run never reached pg_sleep: " << slurp(work / "run.log");
    server.stopImmediately();
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (::waitpid(child, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(child, SIGKILL);
        ::waitpid(child, &status, 0);
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  PostgresServer server;
  std::string url;
  fs::path location, work, report;
};

TEST_F(ConnectionLost, TransactionalStepIsTransientAndTheRetryFinishes) {
  writeSecondStep(true, 60);
  ASSERT_EQ(run("aaaa0001").exitCode, 0);

  int code = runAndStopServerMidStep();
  std::string log = slurp(work / "run.log");
  EXPECT_EQ(code, 5) << log;
  nlohmann::json j = nlohmann::json::parse(slurp(report));
  EXPECT_EQ(j["outcome"], "Transient") << j.dump();
  EXPECT_EQ(j["reason"], "ConnectionLost") << j.dump();
  std::string message = j["message"];
  EXPECT_NE(message.find("bbbb0002"), std::string::npos) << message;
  EXPECT_NE(message.find("2_b.sql"), std::string::npos) << message;

  server.start();
  EXPECT_EQ(scalar("SELECT string_agg(version_num, ',') FROM alembic_version"), "aaaa0001");
  EXPECT_EQ(scalar("SELECT to_regclass('second_step')::text"), "NULL");

  writeSecondStep(true, 0);  // the retry need not wait a minute
  CliResult retry = run("head");
  EXPECT_EQ(retry.exitCode, 0) << retry.err;
  EXPECT_EQ(nlohmann::json::parse(slurp(report))["outcome"], "Succeeded");
  EXPECT_EQ(scalar("SELECT string_agg(version_num, ',') FROM alembic_version"), "bbbb0002");
  EXPECT_EQ(scalar("SELECT to_regclass('second_step')::text"), "second_step");
}

TEST_F(ConnectionLost, NonTransactionalStepStaysMarkedForResolve) {
  writeSecondStep(false, 60);
  ASSERT_EQ(run("aaaa0001").exitCode, 0);

  int code = runAndStopServerMidStep();
  std::string log = slurp(work / "run.log");
  EXPECT_EQ(code, 1) << log;  // permanent: its first statement committed
  nlohmann::json j = nlohmann::json::parse(slurp(report));
  EXPECT_EQ(j["outcome"], "Failed") << j.dump();

  server.start();
  EXPECT_EQ(scalar("SELECT string_agg(version_num, ',') FROM alembic_version"), "aaaa0001");
  EXPECT_EQ(scalar("SELECT to_regclass('second_step')::text"), "second_step");
  writeSecondStep(false, 0);
  CliResult rerun = run("head");
  EXPECT_NE(rerun.exitCode, 0);
  EXPECT_NE(rerun.err.find("retort resolve bbbb0002"), std::string::npos) << rerun.err;
}

}  // namespace
}  // namespace retort::test
