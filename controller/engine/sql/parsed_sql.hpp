// PostgreSQL's own parser (libpg_query) applied to a section of a migration script: the
// statements as JSON parse trees, each with the file lines it spans, or the syntax error with
// its line. Line numbers are file lines: `firstLine` is the line the section starts on.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace retort::engine::sql {

struct ParsedStatement {
  std::string kind;     // the parse node's name: "AlterTableStmt", "IndexStmt", ...
  nlohmann::json node;  // the node's fields
  int firstLine = 0;    // line of the statement's first token (after leading comments)
  int lastLine = 0;     // line of its last character
  int leadingFrom = 0;  // first line after the previous statement: where its comments start
};

struct SyntaxError {
  std::string message;
  int line = 0;
};

struct ParsedSql {
  std::vector<ParsedStatement> statements;
  std::optional<SyntaxError> error;
};

ParsedSql parseSql(const std::string& sql, int firstLine);

}  // namespace retort::engine::sql
