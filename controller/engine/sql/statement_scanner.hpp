// The one statement scanner of Retort: where each statement of a script section (or of a
// schema.sql file) begins and ends, and on which file lines. The executor, the offline SQL
// writer, lint, the transaction-control check and the schema.sql reader all take their
// statement boundaries and line numbers from here, so a failing step and a lint finding name the
// same line.
//
// Boundaries come from PostgreSQL's own scanner (libpg_query), so quotes, E'' strings, dollar
// quotes and nested /* */ comments are handled as the server handles them. The scanner alone
// splits an SQL-standard function body (`BEGIN ATOMIC ... END`) at its inner semicolons; the
// pieces of such a body are joined again here. A statement's line is that of its first token:
// blanks, `--` comments and `/* */` comments before it are skipped.
//
// Memory: a span is a few offsets into the caller's text (no copy of any statement).
// forEachStatement() gives the scanner a window of about a megabyte at a time (a window ends
// after a statement's semicolon; a statement longer than the window gets a larger one), so
// checking or streaming a section of a million statements holds no per-statement data at all;
// scanStatements() gathers the spans (tens of bytes per statement) for callers that need them.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace retort::engine::sql {

struct SyntaxError {
  std::string message;
  int line = 0;
};

struct StatementSpan {
  size_t begin = 0;     // byte offset of the first token, after blanks and comments
  size_t end = 0;       // byte offset just past the last character before the semicolon
  int firstLine = 0;    // line of the first token
  int lastLine = 0;     // line of the terminating semicolon (of the last character without one)
  int leadingFrom = 0;  // first line after the previous statement: where its comments start

  std::string_view textIn(std::string_view sql) const { return sql.substr(begin, end - begin); }
};

struct ScannedSql {
  std::vector<StatementSpan> statements;  // empty when `error` is set
  std::optional<SyntaxError> error;       // an unterminated quote, dollar quote or comment
};

// Scans `sql`, whose first character lies on line `firstLine` of its file. Statements that are
// only blanks and comments are left out.
ScannedSql scanStatements(std::string_view sql, int firstLine);

// How much text the scanner is given at a time (its output and its copy of its input are
// proportional to it).
constexpr size_t kScanWindowBytes = size_t{1} << 20;

// Calls `visit` with each statement of `sql`, in order, as it is found. Returns the scanner's
// error, if any; the statements before the error have then been visited (callers that must not
// act on a section that does not scan check it first). `windowBytes` is for tests: the spans
// and the error do not depend on it.
std::optional<SyntaxError> forEachStatement(std::string_view sql, int firstLine,
                                            const std::function<void(const StatementSpan&)>& visit,
                                            size_t windowBytes = kScanWindowBytes);

// Line numbers of increasing offsets in one text, counted incrementally: counting from the
// start for each statement would be quadratic in a script of a million statements.
class LineCounter {
 public:
  LineCounter(std::string_view text, int firstLine)
      : text_(text), firstLine_(firstLine), line_(firstLine) {}

  // The line of byte `offset`; cheap when offsets increase from one call to the next.
  int lineAt(size_t offset);

 private:
  std::string_view text_;
  int firstLine_;
  size_t offset_ = 0;
  int line_;
};

// Byte offset of the `position`-th character (1-based, as PostgreSQL's error cursor counts) of
// UTF-8 `text`.
size_t byteOffsetOfCharacter(std::string_view text, int position);

}  // namespace retort::engine::sql
