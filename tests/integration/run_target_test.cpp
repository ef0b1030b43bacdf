// Targets no revision can match: a control byte, bytes that are not UTF-8, a relative count
// beyond an int. `retort run` refuses them before connecting, as Invalid (exit 6), and still
// writes a report that is valid JSON naming the target; upgrade and downgrade fail with
// Alembic's command error (exit 255) naming the value, never a bare "stoi".
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_runner.hpp"
#include "postgres_server.hpp"

namespace retort::test {
namespace {

namespace fs = std::filesystem;

class RunTarget : public ::testing::Test {
 protected:
  void SetUp() override {
    location = emptyScriptLocation();
    writeScript(location, "1_a.sql",
                "-- revision: aaaa0001\n\n-- migrate:upgrade\nCREATE TABLE a (id int);\n");
  }

  // `target` is shell text (printf can spell any byte); the database is nowhere: the target
  // must be refused before connecting.
  nlohmann::json runWith(const std::string& target, int expectedExit) {
    fs::path report = location / "report.json";
    fs::remove(report);
    CliResult r = runRetort("-d " + location.string() + " run " + target +
                                " --backup disabled --retry-for 0 --report " + report.string(),
                            "postgresql://nobody@127.0.0.1:1/nowhere");
    EXPECT_EQ(r.exitCode, expectedExit) << r.err;
    EXPECT_EQ(r.err.find("stoi"), std::string::npos) << r.err;
    std::ifstream in(report, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_FALSE(text.str().empty()) << "no report; stderr: " << r.err;
    return nlohmann::json::parse(text.str(), nullptr, false);
  }

  fs::path location;
};

TEST_F(RunTarget, ControlByteIsInvalidAndNamed) {
  nlohmann::json j = runWith("\"$(printf 'head\\001')\"", 6);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["outcome"], "Invalid");
  EXPECT_EQ(j["reason"], "InvalidTarget");
  EXPECT_EQ(j["message"], "target \"head\\x01\" holds a control byte");
}

TEST_F(RunTarget, BytesThatAreNotUtf8AreInvalidAndTheReportIsStillJson) {
  nlohmann::json j = runWith("\"$(printf 'head\\377')\"", 6);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["outcome"], "Invalid");
  EXPECT_EQ(j["reason"], "InvalidTarget");
  EXPECT_EQ(j["message"], "target \"head\\xff\" is not valid UTF-8");
  EXPECT_EQ(j["target"][0], "head\\xff");
}

TEST_F(RunTarget, RelativeCountBeyondAnIntIsInvalidAndNamed) {
  for (std::string target : {"head-99999999999999999999", "+99999999999999999999"}) {
    nlohmann::json j = runWith(target, 6);
    ASSERT_FALSE(j.is_discarded());
    EXPECT_EQ(j["outcome"], "Invalid");
    EXPECT_EQ(j["message"], "relative revision \"" + target +
                                "\": the number is too large (at most 2147483647 steps)");
  }
}

TEST_F(RunTarget, UpgradeAndDowngradeNameTheNumberThatIsTooLarge) {
  std::string url = PostgresServer::shared().createDatabase("run_target_overflow");
  ASSERT_EQ(runRetort("-d " + location.string() + " upgrade head", url).exitCode, 0);
  for (std::string args :
       {"upgrade head-99999999999999999999", "upgrade +99999999999999999999",
        "downgrade -99999999999999999999", "downgrade head-99999999999999999999"}) {
    CliResult r = runRetort("-d " + location.string() + " " + args, url);
    EXPECT_EQ(r.exitCode, 255) << args << ": " << r.err;
    EXPECT_NE(r.err.find("99999999999999999999\": the number is too large"), std::string::npos)
        << args << ": " << r.err;
  }
}

}  // namespace
}  // namespace retort::test
