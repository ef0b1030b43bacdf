// `retort rehearse` on a real PostgreSQL (issue 20): the SweetShop's plan rehearsed on a restored
// copy of a database with 100,000 purchases leaves the database byte-identical (pg_dump before
// and after) and no scratch database behind; a plan that fails only on real data fails in the
// rehearsal with its file and line while the database stays as it was; a rehearsal killed
// while it restores leaves its scratch database, which the next rehearsal drops.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>
#include <thread>

#include "cli_runner.hpp"
#include "engine/rehearsal/scratch_name.hpp"
#include "engine/runtime/connection.hpp"
#include "postgres_server.hpp"

namespace retort::test {
namespace {

namespace fs = std::filesystem;

std::string databaseOf(const std::string& uri) {
  return uri.substr(uri.rfind('/') + 1);
}

// Everything pg_dump sees: schema and rows, in its plain format, without the random key of
// its \restrict lines (pg_dump 15.14 and later), which changes with every dump.
std::string dump(const std::string& uri) {
  std::string out;
  EXPECT_EQ(runCommand("pg_dump --no-sync -d '" + uri + "' 2>&1", &out), 0) << out;
  std::string kept;
  for (size_t at = 0; at < out.size();) {
    size_t end = out.find('\n', at);
    end = end == std::string::npos ? out.size() : end + 1;
    std::string_view line(out.data() + at, end - at);
    if (!line.starts_with("\\restrict ") && !line.starts_with("\\unrestrict ")) kept += line;
    at = end;
  }
  return kept;
}

// Byte for byte; on a difference, the first line that differs (gtest's diff of two dumps of
// 100,000 rows would take more memory than the machine has).
void expectSameDump(const std::string& after, const std::string& before) {
  if (after == before) return;
  size_t at = 0;
  while (at < after.size() && at < before.size() && after[at] == before[at]) ++at;
  size_t line = before.rfind('\n', at);
  line = line == std::string::npos ? 0 : line + 1;
  ADD_FAILURE() << "the database changed; first difference at byte " << at
                << ", before: " << before.substr(line, 200)
                << "\nafter: " << after.substr(line, 200);
}

std::vector<std::string> scratchDatabasesOf(const std::string& uri) {
  engine::Connection admin(PostgresServer::shared().uri());
  engine::Result r = admin.exec("SELECT datname FROM pg_database ORDER BY 1");
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i)
    if (engine::rehearsal::isScratchOf(r.value(i, 0), databaseOf(uri)))
      out.push_back(r.value(i, 0));
  return out;
}

// The SweetShop at `revision`, with 50 sweets, 100 users and `purchases` purchases.
void shopWithPurchases(const std::string& uri, const fs::path& scripts, const std::string& revision,
                       int purchases) {
  CliResult up = runRetort("-q -d " + scripts.string() + " upgrade " + revision, uri);
  ASSERT_EQ(up.exitCode, 0) << up.err;
  engine::Connection db(uri);
  db.exec("INSERT INTO categories (name, slug) VALUES ('Chocolate', 'chocolate')");
  db.exec(
      "INSERT INTO sweets (category_id, name, price_cents) "
      "SELECT 1, 'sweet ' || g, 250 FROM generate_series(1, 50) g");
  db.exec(
      "INSERT INTO users (email, display_name, password_hash) "
      "SELECT 'u' || g || '@shop.test', 'user ' || g, 'x' FROM generate_series(1, 100) g");
  db.exec(
      "INSERT INTO purchases (user_id, sweet_id, quantity, unit_price_cents) "
      "SELECT 1 + g % 100, 1 + g % 50, 1, 250 FROM generate_series(1, " +
      std::to_string(purchases) + ") g");
}

std::string rehearseArgs(const fs::path& scripts, const std::string& target) {
  return "-d " + scripts.string() + " rehearse " + target + " --scratch-url '" +
         PostgresServer::shared().uri() + "'";
}

// The JSON report: the last line of stdout.
nlohmann::json reportOf(const CliResult& result) {
  std::string out = result.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return nlohmann::json::parse(out.substr(out.rfind('\n') + 1));
}

TEST(Rehearsal, TheSweetShopPlanOnACopyOf100kPurchasesLeavesTheDatabaseAsItWas) {
  PostgresServer& server = PostgresServer::shared();
  const std::string uri = server.createDatabase("rehearse_ok");
  const fs::path scripts = copySweetShop();
  ASSERT_NO_FATAL_FAILURE(shopWithPurchases(uri, scripts, "9c5d3e7f2a03", 100000));
  const std::string before = dump(uri);

  CliResult r = runRetort(rehearseArgs(scripts, "head") + " --jobs 2", uri);
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  nlohmann::json report = reportOf(r);
  EXPECT_EQ(report["outcome"], "Succeeded") << report.dump(2);
  EXPECT_EQ(report["steps"], 4);
  EXPECT_EQ(report["from"], nlohmann::json::array({"9c5d3e7f2a03"}));
  EXPECT_EQ(report["to"], nlohmann::json::array({"2a3b7c4d5e07"}));
  ASSERT_TRUE(report.contains("rehearsal")) << report.dump(2);
  EXPECT_FALSE(report["rehearsal"]["backupReused"].get<bool>());
  EXPECT_GT(report["rehearsal"]["restoreSeconds"].get<double>(), 0.0);
  EXPECT_EQ(report["rehearsal"]["slowestSteps"].size(), 4u) << report.dump(2);
  // The per-step table, and the progress of the restore.
  EXPECT_NE(r.out.find("1d6e4f8a3b04"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("total"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("Restored in"), std::string::npos) << r.err;

  expectSameDump(dump(uri), before);
  EXPECT_TRUE(scratchDatabasesOf(uri).empty());
}

TEST(Rehearsal, APlanThatFailsOnlyOnRealDataFailsWithItsFileAndLine) {
  PostgresServer& server = PostgresServer::shared();
  const std::string uri = server.createDatabase("rehearse_fail");
  const fs::path scripts = copySweetShop();
  ASSERT_NO_FATAL_FAILURE(shopWithPurchases(uri, scripts, "head", 1000));
  // Passes on an empty table; a buyer with two purchases breaks it.
  writeScript(scripts, "2026_12_07_0900-c0ffee000001_one_purchase_per_user.sql",
              "-- revision: c0ffee000001\n"
              "-- down_revision: 2a3b7c4d5e07\n"
              "-- message: one purchase per user\n"
              "\n"
              "-- migrate:upgrade\n"
              "ALTER TABLE purchases ADD COLUMN gift BOOLEAN;\n"
              "CREATE UNIQUE INDEX purchases_one_per_user ON purchases (user_id);\n"
              "\n"
              "-- migrate:downgrade\n"
              "DROP INDEX purchases_one_per_user;\n"
              "ALTER TABLE purchases DROP COLUMN gift;\n");
  const std::string before = dump(uri);

  CliResult r = runRetort(rehearseArgs(scripts, "head"), uri);
  EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
  nlohmann::json report = reportOf(r);
  EXPECT_EQ(report["reason"], "RehearsalFailed") << report.dump(2);
  ASSERT_TRUE(report.contains("failedStep")) << report.dump(2);
  EXPECT_EQ(report["failedStep"]["revision"], "c0ffee000001");
  EXPECT_EQ(report["failedStep"]["line"], 7);
  EXPECT_EQ(report["failedStep"]["sqlstate"], "23505");
  EXPECT_NE(report["message"].get<std::string>().find("c0ffee000001_one_purchase_per_user.sql:7"),
            std::string::npos)
      << report.dump(2);
  EXPECT_NE(r.out.find("FAILED"), std::string::npos) << r.out;  // the step table

  // An empty database is at head in production terms: the same upgrade would have passed there.
  expectSameDump(dump(uri), before);
  EXPECT_TRUE(scratchDatabasesOf(uri).empty());
}

TEST(Rehearsal, AScratchDatabaseLeftByAKilledRehearsalIsDroppedByTheNext) {
  PostgresServer& server = PostgresServer::shared();
  const std::string uri = server.createDatabase("rehearse_kill");
  const fs::path scripts = copySweetShop();
  ASSERT_NO_FATAL_FAILURE(shopWithPurchases(uri, scripts, "9c5d3e7f2a03", 100000));
  const std::string before = dump(uri);

  // A rehearsal in a process group of its own, killed with its pg_restore as a pod would be.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    setpgid(0, 0);
    ::setenv("DATABASE_URL", uri.c_str(), 1);
    const std::string command = std::string(RETORT_BINARY) + " " + rehearseArgs(scripts, "head") +
                                " --jobs 1 >/dev/null 2>&1";
    execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  setpgid(child, child);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (scratchDatabasesOf(uri).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(-child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the rehearsal ended before it was killed: " << status;
  const std::vector<std::string> left = scratchDatabasesOf(uri);
  ASSERT_EQ(left.size(), 1u);

  CliResult r = runRetort(rehearseArgs(scripts, "head"), uri);
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("dropping " + left.front() + ", left behind by an earlier rehearsal"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(scratchDatabasesOf(uri).empty());
  expectSameDump(dump(uri), before);
}

}  // namespace
// What the rehearsal Job does: the scratch server's URL from SCRATCH_DATABASE_URL, never on the
// command line. And --max-age without --backup-dir is refused, not ignored.
TEST(Rehearsal, TheScratchUrlComesFromTheEnvironmentAndMaxAgeNeedsABackupDir) {
  PostgresServer& server = PostgresServer::shared();
  const std::string uri = server.createDatabase("rehearse_env");
  const fs::path scripts = copySweetShop();
  ASSERT_NO_FATAL_FAILURE(shopWithPurchases(uri, scripts, "9c5d3e7f2a03", 10));
  const std::string rehearse = "-d " + scripts.string() + " rehearse head";

  CliResult ageOnly =
      runRetort(rehearse + " --max-age 1h --scratch-url '" + server.uri() + "'", uri);
  EXPECT_EQ(ageOnly.exitCode, 2) << ageOnly.out << ageOnly.err;
  EXPECT_NE((ageOnly.out + ageOnly.err).find("--max-age 1h needs --backup-dir"), std::string::npos)
      << ageOnly.out << ageOnly.err;
  CliResult none = runRetort(rehearse, uri);
  EXPECT_EQ(none.exitCode, 2) << none.out << none.err;
  EXPECT_NE((none.out + none.err).find("SCRATCH_DATABASE_URL"), std::string::npos)
      << none.out << none.err;

  ASSERT_EQ(::setenv("SCRATCH_DATABASE_URL", server.uri().c_str(), 1), 0);
  CliResult r = runRetort(rehearse, uri);
  ::unsetenv("SCRATCH_DATABASE_URL");
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_EQ(reportOf(r)["reason"], "Rehearsed") << r.out;
  EXPECT_TRUE(scratchDatabasesOf(uri).empty());
}

}  // namespace retort::test
