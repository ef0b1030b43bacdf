// Runs `retort lint` over the corpus in tests/lint/ (see its README): every finding must be
// announced by an `-- expect...` comment on its line and every such comment must be met.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "engine/lint/linter.hpp"
#include "engine/lint/rules.hpp"
#include "engine/script/script.hpp"

namespace retort::engine::lint {
namespace {

// (line, rule, acknowledged)
using Expectation = std::tuple<int, std::string, bool>;

std::set<Expectation> expectationsIn(const std::string& content) {
  std::set<Expectation> expected;
  std::istringstream lines(content);
  std::string text;
  for (int line = 1; std::getline(lines, text); ++line) {
    for (auto [marker, acknowledged, fileWide] :
         {std::tuple{"-- expect: ", false, false}, std::tuple{"-- expect-acked: ", true, false},
          std::tuple{"-- expect-file: ", false, true}}) {
      size_t at = text.find(marker);
      if (at == std::string::npos) continue;
      std::stringstream rules(text.substr(at + std::string(marker).size()));
      std::string rule;
      while (std::getline(rules, rule, ',')) {
        rule.erase(0, rule.find_first_not_of(' '));
        rule.erase(rule.find_last_not_of(" \r") + 1);
        expected.insert({fileWide ? 1 : line, rule, acknowledged});
      }
    }
  }
  return expected;
}

TEST(LintCorpus, EveryFindingIsExpectedAndEveryExpectationMet) {
  std::filesystem::path corpus = std::filesystem::path(RETORT_SOURCE_DIR) / "tests" / "lint";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    if (entry.path().extension() == ".sql") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 8u);

  LintCatalog catalog;
  std::set<std::string> rulesSeen;
  for (const auto& path : files) {
    SCOPED_TRACE(path.filename().string());
    std::ifstream input(path);
    std::stringstream content;
    content << input.rdbuf();
    Script script = parseScript(path, content.str());
    std::set<Expectation> actual;
    for (const Finding& finding : lintScript(script, catalog)) {
      EXPECT_EQ(finding.file, path.string());
      actual.insert({finding.line, finding.ruleId, finding.acknowledged});
      rulesSeen.insert(finding.ruleId);
    }
    std::set<Expectation> expected = expectationsIn(content.str());
    for (const auto& [line, rule, acknowledged] : expected) {
      EXPECT_TRUE(actual.count({line, rule, acknowledged}))
          << "missing " << rule << (acknowledged ? " (acknowledged)" : "") << " at line " << line;
    }
    for (const auto& [line, rule, acknowledged] : actual) {
      EXPECT_TRUE(expected.count({line, rule, acknowledged}))
          << "unexpected " << rule << (acknowledged ? " (acknowledged)" : "") << " at line "
          << line;
    }
  }
  // The corpus exercises every rule there is.
  for (const Rule& rule : allRules()) {
    EXPECT_TRUE(rulesSeen.count(rule.id)) << "no corpus case for " << rule.id;
  }
}

}  // namespace
}  // namespace retort::engine::lint
