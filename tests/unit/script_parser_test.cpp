#include <gtest/gtest.h>

#include "engine/script/script.hpp"
#include "engine/sql/statement_splitter.hpp"
#include "engine/util/errors.hpp"

namespace retort::engine {
namespace {

const char* kGood =
    "-- revision: 1a2b3c4d5e02\n"
    "-- down_revision: 1a2b3c4d5e01, 1a2b3c4d5e00\n"
    "-- branch_labels: shop\n"
    "-- depends_on:\n"
    "-- create_date: 2026-11-01 09:10:00\n"
    "-- message: categories, sweets and inventory\n"
    "-- transactional: false\n"
    "\n"
    "-- migrate:upgrade\n"
    "CREATE TABLE categories (id int);\n"
    "-- migrate:downgrade\n"
    "DROP TABLE categories;\n";

std::string errorOf(const std::string& content) {
  try {
    parseScript("versions/x.sql", content);
  } catch (const ScriptError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ScriptParser, ReadsHeaderAndSections) {
  Script s = parseScript("versions/x.sql", kGood);
  EXPECT_EQ(s.revision, "1a2b3c4d5e02");
  EXPECT_EQ(s.downRevisions, (std::vector<std::string>{"1a2b3c4d5e01", "1a2b3c4d5e00"}));
  EXPECT_EQ(s.branchLabels, (std::vector<std::string>{"shop"}));
  EXPECT_TRUE(s.dependsOn.empty());
  EXPECT_EQ(s.message, "categories, sweets and inventory");
  EXPECT_FALSE(s.transactional);
  EXPECT_EQ(s.upgrade.sql, "CREATE TABLE categories (id int);\n");
  EXPECT_EQ(s.upgrade.firstLine, 10);
  ASSERT_TRUE(s.downgrade);
  EXPECT_EQ(s.downgrade->sql, "DROP TABLE categories;\n");
  EXPECT_EQ(s.downgrade->firstLine, 12);
}

TEST(ScriptParser, ErrorsNameFileAndLine) {
  EXPECT_EQ(
      errorOf("-- message: x\n-- migrate:upgrade\n"),
      "versions/x.sql:1: no '-- revision:' header; every script must declare its revision id");
  EXPECT_EQ(errorOf("-- revision: a1\n-- colour: blue\n-- migrate:upgrade\n"),
            "versions/x.sql:2: unknown header key 'colour' (expected revision, down_revision, "
            "branch_labels, "
            "depends_on, create_date, message or transactional)");
  EXPECT_EQ(errorOf("-- revision: a1\n\nSELECT 1;\n"),
            "versions/x.sql:3: SQL before '-- migrate:upgrade'; every statement must be inside a "
            "section");
  EXPECT_EQ(errorOf("-- revision: a1\n-- message: m\n"),
            "versions/x.sql:2: no '-- migrate:upgrade' section; a script needs one even when it is "
            "empty");
  EXPECT_EQ(errorOf("-- revision: ab-cd\n-- migrate:upgrade\n"),
            "versions/x.sql:1: Character(s) '-' not allowed in revision identifier 'ab-cd'");
  EXPECT_EQ(errorOf("-- revision: a1\n-- transactional: maybe\n-- migrate:upgrade\n"),
            "versions/x.sql:2: transactional must be 'true' or 'false', not 'maybe'");
  EXPECT_EQ(errorOf("-- revision: a1\n-- revision: a2\n-- migrate:upgrade\n"),
            "versions/x.sql:2: header key 'revision' appears twice");
  EXPECT_EQ(errorOf("-- revision: a1\n-- migrate:upgrade\n-- migrate:upgrade\n"),
            "versions/x.sql:3: second '-- migrate:upgrade' section");
}

TEST(ScriptParser, SeveralIllegalCharactersAreSortedAsAlembicDoes) {
  EXPECT_EQ(invalidRevisionIdMessage("ab:cd@"),
            "Character(s) ':, @' not allowed in revision identifier 'ab:cd@'");
  EXPECT_EQ(invalidRevisionIdMessage("abcd"), "");
}

TEST(StatementSplitter, KeepsQuotedSemicolonsAndReportsLines) {
  SqlSection section{
      "CREATE TABLE a (x text DEFAULT ';');\n\n-- a comment\nCREATE FUNCTION f() RETURNS int AS $$ "
      "SELECT 1; $$ LANGUAGE sql;\nSELECT 2",
      20};
  auto statements = splitStatements(section, "x.sql");
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0].sql, "CREATE TABLE a (x text DEFAULT ';')");
  EXPECT_EQ(statements[0].line, 20);
  EXPECT_EQ(statements[1].line, 23);
  EXPECT_EQ(statements[1].sql, "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql");
  EXPECT_EQ(statements[2].sql, "SELECT 2");
  EXPECT_EQ(statements[2].line, 24);
}

TEST(StatementSplitter, CommentOnlySectionHasNoStatements) {
  EXPECT_TRUE(splitStatements({"-- nothing here\n\n", 5}, "x.sql").empty());
}

}  // namespace
}  // namespace retort::engine
