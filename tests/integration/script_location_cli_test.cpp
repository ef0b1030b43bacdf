// Issue 8: defects in how `retort` reads a script location and writes new scripts, checked
// through the real binary (no database needed: these commands fail or finish before connecting).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_runner.hpp"

namespace retort::test {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t countFiles(const fs::path& root) {
  size_t count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) count += entry.is_regular_file();
  return count;
}

// Defect 12: a FIFO named like a script used to hang the loader on open().
TEST(ScriptLocationCli, AFifoInVersionsIsRefusedNotWaitedOn) {
  fs::path location = copySweetShop();
  fs::path fifo = location / "versions" / "2026_12_01_0000-ffff_fifo.sql";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  CliResult result = runRetort("-d " + location.string() + " heads");
  EXPECT_NE(result.exitCode, 0);
  EXPECT_NE(result.err.find(fifo.string() + ": not a regular file"), std::string::npos)
      << result.err;
  fs::remove_all(location.parent_path());
}

// Issue 23: the commands that only read the graph skip the statement scan (the heads of 10,000
// scripts); every command that sends or prints a script's SQL still stops at load on an
// unterminated quote, naming the file and line, before anything runs.
TEST(ScriptLocationCli, OnlyGraphCommandsSkipTheStatementScan) {
  fs::path location = copySweetShop();
  const fs::path broken = location / "versions" / "2026_12_01_0000-ffff0quote_broken.sql";
  const std::string head = runRetort("-d " + location.string() + " heads").out;
  const std::string parent = head.substr(0, head.find(' '));
  ASSERT_FALSE(parent.empty());
  std::ofstream(broken) << "-- revision: ffff0quote\n-- down_revision: " << parent
                        << "\n\n-- migrate:upgrade\nUPDATE x SET a = 'oops;\n";
  for (const char* command : {"heads", "branches", "history", "show ffff0quote"}) {
    CliResult result = runRetort("-d " + location.string() + " " + command);
    EXPECT_EQ(result.exitCode, 0) << command << ": " << result.err;
  }
  EXPECT_NE(runRetort("-d " + location.string() + " heads").out.find("ffff0quote"),
            std::string::npos);
  for (const char* command : {"upgrade head --sql", "plan head"}) {
    CliResult result = runRetort("-d " + location.string() + " " + command);
    EXPECT_NE(result.exitCode, 0) << command;
    EXPECT_NE(result.err.find(broken.string() + ":5: unterminated quoted string"),
              std::string::npos)
        << command << ": " << result.err;
  }
  fs::remove_all(location.parent_path());
}

// Defect 11: a bad retort.ini value printed "stoi"; it names the file, line, key and value.
TEST(ScriptLocationCli, ABadIniValueNamesFileKeyAndValue) {
  fs::path location = copySweetShop();
  std::ofstream(location / "retort.ini") << "[retort]\ntruncate_slug_length = forty\n";
  CliResult result = runRetort("-d " + location.string() + " revision -m x");
  EXPECT_NE(result.exitCode, 0);
  EXPECT_NE(result.err.find((location / "retort.ini").string() +
                            ":2: truncate_slug_length must be a whole number of characters, "
                            "not 'forty'"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find("stoi"), std::string::npos) << result.err;
  fs::remove_all(location.parent_path());
}

// Defect 1: --rev-id '../../x' wrote outside the script location.
TEST(ScriptLocationCli, APathLikeRevIdWritesNothing) {
  fs::path location = copySweetShop();
  fs::path root = location.parent_path();
  size_t before = countFiles(root);
  CliResult result = runRetort("-d " + location.string() + " revision -m x --rev-id '../../x'");
  EXPECT_NE(result.exitCode, 0);
  EXPECT_NE(result.err.find("revision id '../../x' contains '/'"), std::string::npos) << result.err;
  EXPECT_EQ(countFiles(root), before);
  EXPECT_FALSE(fs::exists(root.parent_path() / "x.sql"));
  fs::remove_all(root);
}

// Defect 5: `head` is a word of the target grammar, not an id.
TEST(ScriptLocationCli, AReservedWordIsNotARevId) {
  fs::path location = copySweetShop();
  CliResult result = runRetort("-d " + location.string() + " revision -m x --rev-id head");
  EXPECT_NE(result.exitCode, 0);
  EXPECT_NE(result.err.find("'head' is a reserved word"), std::string::npos) << result.err;
  fs::remove_all(location.parent_path());
}

// Defect 13: the message is written as given, not expanded by the template, and control bytes
// never reach the file or the terminal.
TEST(ScriptLocationCli, TheMessageIsNotATemplate) {
  fs::path location = copySweetShop();
  CliResult result =
      runRetort("-d " + location.string() + " revision -m '${upgrades} x' --rev-id aa01");
  ASSERT_EQ(result.exitCode, 0) << result.err;
  fs::path written;
  for (const auto& entry : fs::directory_iterator(location / "versions")) {
    if (entry.path().string().find("aa01") != std::string::npos) written = entry.path();
  }
  ASSERT_FALSE(written.empty());
  EXPECT_NE(slurp(written).find("-- message: ${upgrades} x\n"), std::string::npos)
      << slurp(written);

  result = runRetort("-d " + location.string() + " revision -m \"$(printf 'a\\033[2Jb')\"");
  EXPECT_NE(result.exitCode, 0);
  EXPECT_EQ(result.err.find('\033'), std::string::npos);
  EXPECT_NE(result.err.find("message 'a\\x1b[2Jb' contains a control byte"), std::string::npos)
      << result.err;
  fs::remove_all(location.parent_path());
}

// Defect 13: a version table name whose history table name PostgreSQL would cut to the same
// 63 bytes is refused before anything connects.
TEST(ScriptLocationCli, AnOverlongVersionTableNameIsAUsageError) {
  fs::path location = copySweetShop();
  std::string name(63, 'v');
  CliResult result =
      runRetort("-d " + location.string() + " --version-table " + name + " upgrade head --sql");
  EXPECT_NE(result.exitCode, 0);
  EXPECT_NE(result.err.find("version table name '" + name + "' is 63 bytes long; at most 55"),
            std::string::npos)
      << result.err;
  fs::remove_all(location.parent_path());
}

}  // namespace
}  // namespace retort::test
