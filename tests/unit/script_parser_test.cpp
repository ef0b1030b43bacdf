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

// A string literal with its embedded NUL bytes kept.
template <size_t N>
std::string withBytes(const char (&text)[N]) {
  return std::string(text, N - 1);
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

// Issue 8, defect 4: a `--` line inside the header that is not a key used to end the header
// silently, so the keys after it were ignored (a second root, steps out of order).
TEST(ScriptParser, ACommentInsideTheHeaderIsAnError) {
  EXPECT_EQ(errorOf("-- revision: a2\n-- NOTE: reviewed\n-- down_revision: a1\n"
                    "-- migrate:upgrade\n"),
            "versions/x.sql:2: '-- NOTE: reviewed' is not a header key; the header is one block of "
            "'-- key: value' lines (put free comments after a blank line)");
  EXPECT_EQ(errorOf("-- revision: a2\n-- reviewed by ops\n-- down_revision: a1\n"
                    "-- migrate:upgrade\n"),
            "versions/x.sql:2: '-- reviewed by ops' is not a header key; the header is one block "
            "of '-- key: value' lines (put free comments after a blank line)");
}

TEST(ScriptParser, HeaderKeysAreLowercase) {
  EXPECT_EQ(errorOf("-- Revision: a2\n-- migrate:upgrade\n"),
            "versions/x.sql:1: header key 'Revision' must be lowercase: 'revision'");
  EXPECT_EQ(errorOf("-- revision: a2\n-- Down_Revision: a1\n-- migrate:upgrade\n"),
            "versions/x.sql:2: header key 'Down_Revision' must be lowercase: 'down_revision'");
}

TEST(ScriptParser, AHeaderKeyAfterTheHeaderIsAnError) {
  EXPECT_EQ(errorOf("-- revision: a2\n\n-- free comment\n-- down_revision: a1\n"
                    "-- migrate:upgrade\n"),
            "versions/x.sql:4: header key 'down_revision' after the end of the header at line 2; "
            "the header is one block of '-- key: value' lines");
}

TEST(ScriptParser, FreeCommentsAfterABlankLineAreAllowed) {
  Script s = parseScript("versions/x.sql",
                         "-- revision: a2\n-- down_revision: a1\n\n-- NOTE: reviewed\n"
                         "-- migrate:upgrade\nSELECT 1;\n");
  EXPECT_EQ(s.downRevisions, (std::vector<std::string>{"a1"}));
  EXPECT_EQ(s.upgrade.firstLine, 6);
}

// Defect 5: words of the target grammar cannot be revision ids.
TEST(ScriptParser, ReservedWordsAreNotRevisionIds) {
  for (const char* word : {"head", "heads", "base", "current"}) {
    EXPECT_EQ(errorOf(std::string("-- revision: ") + word + "\n-- migrate:upgrade\n"),
              std::string("versions/x.sql:1: '") + word +
                  "' is a reserved word of the revision target grammar and cannot be a revision "
                  "id");
  }
}

// Defect 9: the version table holds 32 characters; NUL and control bytes are never ids.
TEST(ScriptParser, OverlongIdsAndControlBytesAreRejectedAtLoad) {
  std::string longId(33, 'a');
  EXPECT_EQ(errorOf("-- revision: " + longId + "\n-- migrate:upgrade\n"),
            "versions/x.sql:1: revision id '" + longId +
                "' is 33 characters long; the version table holds at most 32");
  EXPECT_NO_THROW(
      parseScript("x.sql", "-- revision: " + std::string(32, 'a') + "\n-- migrate:upgrade\n"));
  EXPECT_EQ(errorOf(withBytes("-- revision: ab\x01"
                              "cd\n-- migrate:upgrade\n")),
            "versions/x.sql:1: revision id 'ab\\x01cd' contains a control byte");
  EXPECT_EQ(errorOf(withBytes("-- revision: ab\0cd\n-- migrate:upgrade\n")),
            "versions/x.sql:1: revision id 'ab\\x00cd' contains a control byte");
}

// Defect 10: a Latin-1 byte is named by its line, not found later without one.
TEST(ScriptParser, InvalidUtf8IsReportedWithItsLine) {
  EXPECT_EQ(errorOf("-- revision: a1\n\n-- migrate:upgrade\nSELECT 1;\nSELECT 'caf\xe9';\n"),
            "versions/x.sql:5: byte 0xe9 is not valid UTF-8; scripts must be UTF-8 (convert a "
            "Latin-1 file with iconv -f latin1 -t utf-8)");
  EXPECT_NO_THROW(
      parseScript("x.sql", "-- revision: a1\n-- migrate:upgrade\nSELECT 'caf\xc3\xa9';\n"));
}

// Defect 10: an unterminated quote is found at load, on the script's own line, before it can
// swallow the version-table UPDATE that Retort appends to the step.
TEST(ScriptParser, UnterminatedQuotesAreReportedAtLoadWithTheScriptLine) {
  EXPECT_EQ(errorOf("-- revision: a1\n\n-- migrate:upgrade\nSELECT 1;\nUPDATE x SET a = 'oops;\n"
                    "SELECT 2;\n"),
            "versions/x.sql:5: unterminated quoted string at or near \"'oops;...\"");
  EXPECT_EQ(errorOf("-- revision: a1\n-- migrate:upgrade\nSELECT 1;\n-- migrate:downgrade\n"
                    "CREATE FUNCTION f() RETURNS int AS $x$ SELECT 1;\n"),
            "versions/x.sql:5: unterminated dollar-quoted string at or near \"$x$ SELECT 1;...\"");
}

// Defect 1: an id is also a file name; it must not be able to name another directory.
TEST(ScriptParser, PathLikeIdsAreRejected) {
  EXPECT_EQ(validateRevisionId("../../x"),
            "revision id '../../x' contains '/'; an id cannot name a path");
  EXPECT_EQ(validateRevisionId(".."), "revision id '..' contains '..'; an id cannot name a path");
  EXPECT_EQ(validateRevisionId("a\\b"),
            "revision id 'a\\b' contains '\\'; an id cannot name a path");
  EXPECT_EQ(validateRevisionId("abc123"), "");
  EXPECT_EQ(validateRevisionId(""), "revision id is empty");
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
