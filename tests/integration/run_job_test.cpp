// `retort run` as the operator's Job runs it: against a real PostgreSQL, as a user that must
// log in with a password, checking exit codes, the report, the backup and that refusals touch
// nothing (DESIGN.md section 5).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_runner.hpp"
#include "engine/runtime/connection.hpp"
#include "postgres_server.hpp"

namespace retort::test {
namespace {

namespace fs = std::filesystem;
const std::string kPassword = "Pw-9f3a7c51-sweet";

std::string slurpFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs retort with DATABASE_URL in its environment (not on any command line).
CliResult retortWith(const std::string& url, const std::string& arguments) {
  ::setenv("DATABASE_URL", url.c_str(), 1);
  CliResult result = runRetort(arguments);
  ::unsetenv("DATABASE_URL");
  return result;
}

std::string adminUri(const std::string& passwordUri) {
  std::string name = passwordUri.substr(passwordUri.rfind('/') + 1);
  return PostgresServer::shared().uri(name);
}

std::string query(const std::string& uri, const std::string& sql) {
  engine::Connection c(uri);
  engine::Result r = c.exec(sql);
  std::string out;
  for (int i = 0; i < r.rows(); ++i) {
    for (int j = 0; j < r.columns(); ++j) out += (j ? "|" : "") + r.value(i, j);
    out += "\n";
  }
  return out;
}

// Everything a refused run must leave as it was: the schema, the version and history rows.
std::string databaseState(const std::string& uri) {
  std::string schema;
  EXPECT_EQ(runCommand("pg_dump --schema-only --dbname '" + uri + "'", &schema), 0);
  // pg_dump's \restrict / \unrestrict lines carry a fresh random key on every dump.
  std::string state;
  std::istringstream lines(schema);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("\\restrict", 0) != 0 && line.rfind("\\unrestrict", 0) != 0)
      state += line + "\n";
  }
  for (const char* table : {"alembic_version", "alembic_version_history"}) {
    try {
      state += query(uri, std::string("SELECT * FROM ") + table + " ORDER BY 1");
    } catch (const engine::DatabaseError&) {
      state += std::string("no ") + table + "\n";
    }
  }
  return state;
}

nlohmann::json readReport(const fs::path& path) {
  return nlohmann::json::parse(slurpFile(path));
}

fs::path freshDir(const std::string& hint) {
  fs::path dir = fs::temp_directory_path() /
                 (hint + "-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
  fs::create_directories(dir);
  return dir;
}

std::vector<fs::path> dumps(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".dump") out.push_back(e.path());
  return out;
}

class RunJobTest : public ::testing::Test {
 protected:
  PostgresServer& server = PostgresServer::shared();
  fs::path work = freshDir("retort-run");
  fs::path backups = work / "backups";
  fs::path report = work / "report.json";
  std::string url;

  void SetUp() override {
    url = server.createPasswordDatabase(
        ::testing::UnitTest::GetInstance()->current_test_info()->name(), kPassword);
  }
  void TearDown() override { fs::remove_all(work); }

  CliResult run(const fs::path& scripts, const std::string& arguments) {
    CliResult r = retortWith(url, "-d " + scripts.string() + " run " + arguments + " --report " +
                                      report.string() + " --backup-dir " + backups.string());
    // No output of any run, nor its report or sidecars, ever holds the password.
    EXPECT_EQ(r.out.find(kPassword), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(kPassword), std::string::npos) << r.err;
    if (fs::exists(report)) {
      EXPECT_EQ(slurpFile(report).find(kPassword), std::string::npos);
    }
    if (fs::exists(backups)) {
      for (const auto& e : fs::directory_iterator(backups)) {
        if (e.path().extension() == ".json") {
          EXPECT_EQ(slurpFile(e.path()).find(kPassword), std::string::npos);
        }
      }
    }
    return r;
  }
};

TEST_F(RunJobTest, SweetShopToHeadWithRequiredBackupAndPruning) {
  fs::path scripts = copySweetShop();
  CliResult r = run(scripts, "head --backup required --backup-keep 2 --run-id job-1");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  nlohmann::json j = readReport(report);
  EXPECT_EQ(j["outcome"], "Succeeded");
  EXPECT_EQ(j["runId"], "job-1");
  EXPECT_EQ(j["direction"], "upgrade");
  EXPECT_EQ(j["steps"], 7);
  EXPECT_EQ(j["to"], nlohmann::json::array({"2a3b7c4d5e07"}));
  EXPECT_EQ(j["planHash"].get<std::string>().rfind("sha256:", 0), 0u);
  EXPECT_LE(slurpFile(report).size(), 4096u);
  ASSERT_TRUE(j.contains("backup"));
  fs::path file = j["backup"]["file"].get<std::string>();
  ASSERT_TRUE(fs::exists(file));
  EXPECT_EQ(runCommand("pg_restore --list '" + file.string() + "' >/dev/null 2>&1"), 0);
  std::string sum;
  runCommand("sha256sum '" + file.string() + "'", &sum);
  nlohmann::json sidecar = nlohmann::json::parse(slurpFile(file.string() + ".json"));
  EXPECT_EQ(sum.substr(0, 64), sidecar["sha256"].get<std::string>());
  EXPECT_EQ(j["backup"]["sha256"], sidecar["sha256"]);
  EXPECT_EQ(sidecar["heads"], nlohmann::json::array());  // taken before the first step
  // The history rows carry the run id of the report.
  EXPECT_EQ(query(adminUri(url),
                  "SELECT count(*) FROM alembic_version_history WHERE run_id = "
                  "'job-1' AND success"),
            "7\n");

  // Two more runs that each back up: three backups taken, two kept.
  ASSERT_EQ(run(scripts, "-1 --allow-downgrade --allow-data-loss --backup-keep 2").exitCode, 0);
  ASSERT_EQ(run(scripts, "head --backup-keep 2").exitCode, 0);
  std::vector<fs::path> kept = dumps(backups);
  EXPECT_EQ(kept.size(), 2u);
  EXPECT_FALSE(fs::exists(file)) << "the oldest backup should have been pruned";
}

TEST_F(RunJobTest, DowngradeWithoutPermissionTouchesNothing) {
  fs::path scripts = copySweetShop();
  ASSERT_EQ(run(scripts, "9c5d3e7f2a03 --backup disabled").exitCode, 0);
  std::string before = databaseState(adminUri(url));
  CliResult r = run(scripts, "base --allow-data-loss --backup required");
  EXPECT_EQ(r.exitCode, 3) << r.err;
  EXPECT_EQ(readReport(report)["outcome"], "Refused");
  EXPECT_EQ(readReport(report)["reason"], "DowngradeNotAllowed");
  EXPECT_EQ(databaseState(adminUri(url)), before);
  EXPECT_TRUE(dumps(backups).empty());
}

TEST_F(RunJobTest, DataLossWithoutPermissionTouchesNothing) {
  fs::path scripts = emptyScriptLocation();
  writeScript(scripts, "a1_create.sql",
              "-- revision: a1\n-- migrate:upgrade\nCREATE TABLE sweets (id int, name text);\n"
              "-- migrate:downgrade\nDROP TABLE sweets;\n");
  writeScript(scripts, "a2_drop.sql",
              "-- revision: a2\n-- down_revision: a1\n-- migrate:upgrade\n"
              "ALTER TABLE sweets DROP COLUMN name;\n-- migrate:downgrade\n"
              "ALTER TABLE sweets ADD COLUMN name text;\n");
  // From an empty database: not even the version table may appear.
  std::string empty = databaseState(adminUri(url));
  CliResult r = run(scripts, "head");
  EXPECT_EQ(r.exitCode, 3) << r.err;
  EXPECT_EQ(readReport(report)["reason"], "DataLossNotAllowed");
  EXPECT_EQ(readReport(report)["dataLoss"], true);
  EXPECT_EQ(databaseState(adminUri(url)), empty);
  EXPECT_TRUE(dumps(backups).empty());

  ASSERT_EQ(run(scripts, "a1 --backup disabled").exitCode, 0);
  std::string before = databaseState(adminUri(url));
  EXPECT_EQ(run(scripts, "head").exitCode, 3);
  EXPECT_EQ(databaseState(adminUri(url)), before);
  EXPECT_TRUE(dumps(backups).empty());
  EXPECT_EQ(run(scripts, "head --allow-data-loss --backup disabled").exitCode, 0);
}

TEST_F(RunJobTest, FailingStepReportsFileLineAndSqlstate) {
  fs::path scripts = emptyScriptLocation();
  writeScript(scripts, "b1.sql",
              "-- revision: b1\n-- migrate:upgrade\nCREATE TABLE kept (id int);\n");
  writeScript(scripts, "b2.sql",
              "-- revision: b2\n-- down_revision: b1\n-- migrate:upgrade\n"
              "CREATE TABLE lost (id int);\nINSERT INTO missing_table VALUES (1);\n");
  ASSERT_EQ(run(scripts, "b1 --backup disabled").exitCode, 0);
  std::string before = databaseState(adminUri(url));
  CliResult r = run(scripts, "head --backup disabled");
  EXPECT_EQ(r.exitCode, 1) << r.err;
  nlohmann::json j = readReport(report);
  EXPECT_EQ(j["outcome"], "Failed");
  EXPECT_EQ(j["failedStep"]["revision"], "b2");
  EXPECT_NE(j["failedStep"]["file"].get<std::string>().find("b2.sql"), std::string::npos);
  EXPECT_EQ(j["failedStep"]["line"], 5);
  EXPECT_EQ(j["failedStep"]["sqlstate"], "42P01");
  EXPECT_EQ(query(adminUri(url), "SELECT to_regclass('lost') IS NULL"), "t\n");
  EXPECT_EQ(query(adminUri(url), "SELECT version_num FROM alembic_version"), "b1\n");
  (void)before;
}

TEST_F(RunJobTest, StalePlanHashIsRefused) {
  fs::path scripts = copySweetShop();
  ASSERT_EQ(run(scripts, "head --plan-only").exitCode, 0);
  nlohmann::json planned = readReport(report);
  EXPECT_EQ(planned["outcome"], "Planned");
  std::string hash = planned["planHash"];
  EXPECT_EQ(query(adminUri(url), "SELECT to_regclass('alembic_version') IS NULL"), "t\n");

  fs::path edited = scripts / "versions" / "2026_11_01_0950-8f1a6b2c3d06_revoked_tokens.sql";
  std::ofstream(edited, std::ios::app) << "-- an edit after the plan was approved\n";
  CliResult r = run(scripts, "head --backup disabled --expect-plan " + hash);
  EXPECT_EQ(r.exitCode, 3) << r.err;
  EXPECT_EQ(readReport(report)["reason"], "PlanMismatch");
  EXPECT_NE(readReport(report)["planHash"], hash);
  EXPECT_EQ(query(adminUri(url), "SELECT to_regclass('alembic_version') IS NULL"), "t\n");
  // The fresh hash is accepted.
  std::string fresh = readReport(report)["planHash"];
  EXPECT_EQ(run(scripts, "head --backup disabled --expect-plan " + fresh).exitCode, 0);
}

TEST_F(RunJobTest, UnknownRevisionIsInvalid) {
  fs::path scripts = copySweetShop();
  CliResult r = run(scripts, "nosuchrev --backup disabled");
  EXPECT_EQ(r.exitCode, 6) << r.err;
  EXPECT_EQ(readReport(report)["outcome"], "Invalid");
}

TEST_F(RunJobTest, UnreachableDatabaseIsTransientAfterBoundedRetries) {
  fs::path scripts = copySweetShop();
  // A loopback port nobody listens on: take one from the kernel and close it.
  std::string port;
  ASSERT_EQ(runCommand("python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\",0)); "
                       "print(s.getsockname()[1])'",
                       &port),
            0);
  port.pop_back();
  url = "postgresql://nobody:" + kPassword + "@127.0.0.1:" + port + "/nowhere";
  CliResult r = run(scripts, "head --backup disabled --retry-for 2");
  EXPECT_EQ(r.exitCode, 5) << r.err;
  EXPECT_EQ(readReport(report)["outcome"], "Transient");
  EXPECT_NE(r.err.find("attempt 1 failed"), std::string::npos) << r.err;
}

// While a run with a backup is in flight, no process on the machine (retort, pg_dump,
// pg_restore) has the password on its command line.
TEST_F(RunJobTest, PasswordNeverOnACommandLine) {
  fs::path scripts = copySweetShop();
  ::setenv("DATABASE_URL", url.c_str(), 1);
  std::string pidText;
  runCommand(std::string(RETORT_BINARY) + " -d " + scripts.string() +
                 " run head --backup required --backup-dir " + backups.string() +
                 " >/dev/null 2>&1 & echo $!",
             &pidText);
  ::unsetenv("DATABASE_URL");
  pid_t pid = std::stoi(pidText);
  int scans = 0;
  bool sawBackupTool = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  // Running: it exists and is not a zombie (its reaper may be slow, or absent in a container).
  auto running = [&] {
    std::string stat = slurpFile("/proc/" + std::to_string(pid) + "/stat");
    size_t paren = stat.rfind(')');
    return ::kill(pid, 0) == 0 && paren != std::string::npos && paren + 2 < stat.size() &&
           stat[paren + 2] != 'Z';
  };
  while (running() && std::chrono::steady_clock::now() < deadline) {
    for (const auto& entry : fs::directory_iterator("/proc")) {
      std::string name = entry.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::string cmdline = slurpFile(entry.path() / "cmdline");
      std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
      EXPECT_EQ(cmdline.find(kPassword), std::string::npos) << cmdline;
      sawBackupTool = sawBackupTool || cmdline.find("pg_dump --format") != std::string::npos ||
                      cmdline.find("pg_restore --list") != std::string::npos;
    }
    ++scans;
  }
  EXPECT_GT(scans, 0);
  EXPECT_EQ(dumps(backups).size(), 1u);
  std::cout << "scanned /proc " << scans << " times; saw pg_dump or pg_restore: " << sawBackupTool
            << "\n";
}

}  // namespace
}  // namespace retort::test
