// PostgreSQL's own parser (libpg_query) applied to a section of a migration script (or to a
// schema.sql file): the statements as JSON parse trees, each with the file lines it spans, or
// the syntax error with its line. Line numbers are file lines: `firstLine` is the line the
// section starts on. Statement boundaries and lines come from the one statement scanner
// (statement_scanner.hpp), so they agree with the executor's.
//
// Statements are parsed one at a time: visitParsedStatements() holds one parse tree at a time,
// so a section of a million statements is linted in memory proportional to its text, not to
// the sum of its trees. Every `location` in a tree is a byte offset into the whole `sql`, as if
// the section had been parsed in one piece.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sql/statement_scanner.hpp"

namespace retort::engine::sql {

struct ParsedStatement {
  std::string kind;     // the parse node's name: "AlterTableStmt", "IndexStmt", ...
  nlohmann::json node;  // the node's fields
  int firstLine = 0;    // line of the statement's first token (after leading comments)
  int lastLine = 0;     // line of its terminating semicolon
  int leadingFrom = 0;  // first line after the previous statement: where its comments start
};

struct ParsedSql {
  std::vector<ParsedStatement> statements;  // empty when `error` is set
  std::optional<SyntaxError> error;
};

// Parses each statement of `sql` in order and hands it to `visit` (which may move it away); stops
// at the first syntax error and returns it (the statements before it have been visited). A scanner
// error (unterminated quote or comment) is found before any statement is visited.
std::optional<SyntaxError> visitParsedStatements(
    std::string_view sql, int firstLine, const std::function<void(ParsedStatement&)>& visit);

// All statements at once, for small texts (a schema file, a batch built to compare).
ParsedSql parseSql(std::string_view sql, int firstLine);

}  // namespace retort::engine::sql
