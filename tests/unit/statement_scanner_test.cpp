// The one statement scanner: the executor (splitStatements), lint and the transaction-control
// check (visitParsedStatements) and the schema.sql reader must agree on where each statement
// starts, so a failing step and a lint finding name the same line.
#include "engine/sql/statement_scanner.hpp"

#include <gtest/gtest.h>

#include "engine/lint/linter.hpp"
#include "engine/schema/schema_sql_reader.hpp"
#include "engine/sql/parsed_sql.hpp"
#include "engine/sql/statement_splitter.hpp"
#include "engine/util/errors.hpp"

namespace retort::engine {
namespace {

// Block comments (one nested, as PostgreSQL allows), an E'' string with an escaped quote and a
// semicolon, a dollar quote holding a semicolon, and an SQL-standard function body whose inner
// semicolons PostgreSQL's scanner alone would split at. Starts on line 10 of its file. Table b
// is not created here, so adding a NOT NULL column to it is a lint finding.
const SqlSection kSection{
    "/* a block comment\n"                                          // 10
    "   over two lines */\n"                                        // 11
    "CREATE TABLE a (x text DEFAULT E'it\\'s; here');\n"            // 12
    "/* nested /* comment */ still\n"                               // 13
    "   inside */ ALTER TABLE b ADD COLUMN y int NOT NULL;\n"       // 14
    "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$\n"  // 15
    "  LANGUAGE sql;\n"                                             // 16
    "CREATE FUNCTION g() RETURNS int LANGUAGE sql\n"                // 17
    "  BEGIN ATOMIC SELECT 1; SELECT 2; END;\n"                     // 18
    "/* before the index */\n"                                      // 19
    "CREATE INDEX CONCURRENTLY i ON a (x); -- trailing\n",          // 20
    10};

const std::vector<int> kFirstLines = {12, 14, 15, 17, 20};

TEST(StatementScanner, FindsStatementsAfterBlockCommentsAndInsideQuotes) {
  sql::ScannedSql scanned = sql::scanStatements(kSection.sql, kSection.firstLine);
  ASSERT_FALSE(scanned.error);
  std::vector<int> lines;
  for (const sql::StatementSpan& span : scanned.statements) lines.push_back(span.firstLine);
  EXPECT_EQ(lines, kFirstLines);
  ASSERT_EQ(scanned.statements.size(), 5u);
  EXPECT_EQ(scanned.statements[0].textIn(kSection.sql),
            "CREATE TABLE a (x text DEFAULT E'it\\'s; here')");
  EXPECT_EQ(scanned.statements[1].textIn(kSection.sql), "ALTER TABLE b ADD COLUMN y int NOT NULL");
  EXPECT_EQ(scanned.statements[3].textIn(kSection.sql),
            "CREATE FUNCTION g() RETURNS int LANGUAGE sql\n  BEGIN ATOMIC SELECT 1; SELECT 2; END");
  EXPECT_EQ(scanned.statements[3].lastLine, 18);
  EXPECT_EQ(scanned.statements[4].leadingFrom, 19);
}

TEST(StatementScanner, ExecutorParserAndLintAgreeOnLines) {
  std::vector<int> executor;
  for (const Statement& statement : splitStatements(kSection, "x.sql"))
    executor.push_back(statement.line);
  EXPECT_EQ(executor, kFirstLines);

  sql::ParsedSql parsed = sql::parseSql(kSection.sql, kSection.firstLine);
  ASSERT_FALSE(parsed.error) << parsed.error->message;
  std::vector<int> parser;
  for (const sql::ParsedStatement& statement : parsed.statements)
    parser.push_back(statement.firstLine);
  EXPECT_EQ(parser, kFirstLines);

  lint::LintCatalog catalog;
  std::vector<lint::Finding> findings = lint::lintSql("x.sql", kSection, "upgrade", true, catalog);
  auto lineOf = [&](const std::string& rule) {
    for (const lint::Finding& finding : findings)
      if (finding.ruleId == rule) return finding.line;
    return 0;
  };
  EXPECT_EQ(lineOf("add-required-column"), executor[1]);
  EXPECT_EQ(lineOf("concurrently-in-transaction"), executor[4]);
}

TEST(StatementScanner, LocationsInTreesAreOffsetsIntoTheWholeText) {
  const std::string text = "SELECT 1;\n/* x */ SELECT -1 AS v;";
  sql::ParsedSql parsed = sql::parseSql(text, 1);
  ASSERT_EQ(parsed.statements.size(), 2u);
  const auto& target = parsed.statements[1].node.at("targetList").at(0).at("ResTarget");
  EXPECT_EQ(target.at("location").get<size_t>(), text.find("-1 AS v"));
}

TEST(StatementScanner, SchemaReaderNamesTheLineAfterABlockComment) {
  schema::SchemaSqlReading reading =
      schema::readSchemaSql("CREATE TABLE t (id int);\n/* a view */\nCREATE VIEW v AS SELECT 1;\n");
  EXPECT_FALSE(reading.model);
  EXPECT_EQ(reading.declined.substr(0, 7), "line 3:") << reading.declined;
}

TEST(StatementScanner, SyntaxErrorsNameTheScriptLine) {
  SqlSection section{"SELECT 1;\n\nSELECT (2;\n", 5};
  sql::ParsedSql parsed = sql::parseSql(section.sql, section.firstLine);
  ASSERT_TRUE(parsed.error);
  EXPECT_EQ(parsed.error->line, 7);
  try {
    splitStatements({"SELECT 1;\nSELECT 'open\n", 3}, "x.sql");
    FAIL() << "an unterminated quote must be refused";
  } catch (const ScriptError& error) {
    EXPECT_EQ(error.line(), 4);
  }
}

TEST(StatementScanner, AFunctionBodyThatNeverEndsIsReportedNotJoinedForever) {
  sql::ScannedSql scanned = sql::scanStatements(
      "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2;", 1);
  ASSERT_FALSE(scanned.error);
  EXPECT_EQ(scanned.statements.size(), 2u);  // left as the scanner cut it: the parser reports
  EXPECT_TRUE(
      sql::parseSql("CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;", 1)
          .error);
}

TEST(LineCounter, CountsIncreasingOffsetsAndRestartsForEarlierOnes) {
  sql::LineCounter lines("a\nb\nc", 4);
  EXPECT_EQ(lines.lineAt(0), 4);
  EXPECT_EQ(lines.lineAt(2), 5);
  EXPECT_EQ(lines.lineAt(4), 6);
  EXPECT_EQ(lines.lineAt(1), 4);
  EXPECT_EQ(lines.lineAt(100), 6);
}

}  // namespace
}  // namespace retort::engine
