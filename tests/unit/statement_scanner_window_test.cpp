// The scanner is given a window of the text at a time (statement_scanner.hpp) so that a section
// of a million statements is checked and streamed without per-statement data. Where a window
// ends must not matter: for every window size from one byte to the whole text, the statements
// (offsets and lines) and the error (message and line) are those of one scan of the whole text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/sql/statement_scanner.hpp"

namespace retort::engine::sql {
namespace {

// Statements visited before an error are the caller's to ignore: only those of a whole scan
// that succeeds are compared.
struct Scan {
  std::vector<StatementSpan> spans;
  std::optional<SyntaxError> error;
};

Scan scan(std::string_view text, size_t windowBytes) {
  Scan result;
  result.error = forEachStatement(
      text, 7, [&](const StatementSpan& span) { result.spans.push_back(span); }, windowBytes);
  return result;
}

void expectSameAtEveryWindow(std::string_view text) {
  const Scan whole = scan(text, text.size() + 1);
  for (size_t window = 1; window <= text.size(); ++window) {
    SCOPED_TRACE("window of " + std::to_string(window) + " bytes over: " + std::string(text));
    const Scan part = scan(text, window);
    ASSERT_EQ(part.error.has_value(), whole.error.has_value());
    if (whole.error) {
      // The statements before the error may have been visited (the caller checks first).
      EXPECT_EQ(part.error->message, whole.error->message);
      EXPECT_EQ(part.error->line, whole.error->line);
      continue;
    }
    ASSERT_EQ(part.spans.size(), whole.spans.size());
    for (size_t i = 0; i < whole.spans.size(); ++i) {
      EXPECT_EQ(part.spans[i].begin, whole.spans[i].begin) << "statement " << i;
      EXPECT_EQ(part.spans[i].end, whole.spans[i].end) << "statement " << i;
      EXPECT_EQ(part.spans[i].firstLine, whole.spans[i].firstLine) << "statement " << i;
      EXPECT_EQ(part.spans[i].lastLine, whole.spans[i].lastLine) << "statement " << i;
      EXPECT_EQ(part.spans[i].leadingFrom, whole.spans[i].leadingFrom) << "statement " << i;
    }
  }
}

TEST(StatementScannerWindow, QuotesCommentsAndBodiesAcrossWindowEnds) {
  const std::string text =
      "/* a /* nested; */\ncomment */ SELECT E'it\\'s;\nhere';\n"
      "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1;\n$$ LANGUAGE sql;\n"
      "CREATE FUNCTION g() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\n"
      "END;\nSELECT 3; -- trailing; comment\n;;\n\nSELECT 'multi\nline;\nstring';\nSELECT 4";
  const Scan whole = scan(text, text.size() + 1);
  ASSERT_FALSE(whole.error);
  ASSERT_EQ(whole.spans.size(), 6u);            // the ATOMIC body is one statement
  EXPECT_EQ(whole.spans[3].firstLine, 7 + 10);  // SELECT 3, after the ATOMIC body
  expectSameAtEveryWindow(text);
}

TEST(StatementScannerWindow, ErrorsAndUnclosedParenthesesAcrossWindowEnds) {
  expectSameAtEveryWindow("SELECT 1;\nSELECT 'open\n; more\n");
  expectSameAtEveryWindow("SELECT 1;\nSELECT 2;\n/* unterminated\ncomment;\n");
  expectSameAtEveryWindow("SELECT 1;\n\nSELECT (2;\nSELECT 3;\n");
  expectSameAtEveryWindow(
      "SELECT 0;\nCREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;\nSELECT 2;");
  const Scan error = scan("SELECT 1;\nSELECT 'open\n; more\n", 4);
  ASSERT_TRUE(error.error);
  EXPECT_EQ(error.error->line, 8);
}

TEST(StatementScannerWindow, ManyStatementsAcrossManyWindows) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "INSERT INTO t VALUES (" + std::to_string(i) + ", ';');\n";
  const Scan small = scan(text, 256);
  ASSERT_FALSE(small.error);
  ASSERT_EQ(small.spans.size(), 2000u);
  EXPECT_EQ(small.spans.back().firstLine, 7 + 1999);
  EXPECT_EQ(small.spans.back().leadingFrom, 7 + 1999);
  const Scan whole = scan(text, text.size() + 1);
  ASSERT_EQ(whole.spans.size(), 2000u);
  for (size_t i = 0; i < whole.spans.size(); ++i)
    ASSERT_EQ(small.spans[i].begin, whole.spans[i].begin) << "statement " << i;
}

}  // namespace
}  // namespace retort::engine::sql
