#include "engine/lint/parsed_sql.hpp"

#include <pg_query.h>

#include <algorithm>
#include <cctype>

namespace retort::engine::lint {

namespace {

int lineAt(const std::string& sql, size_t offset, int firstLine) {
  offset = std::min(offset, sql.size());
  return firstLine +
         static_cast<int>(std::count(sql.begin(), sql.begin() + static_cast<long>(offset), '\n'));
}

// Skips blanks and comments, the part of a statement's range that precedes its first token.
size_t firstTokenOffset(const std::string& sql, size_t offset, size_t end) {
  while (offset < end) {
    char c = sql[offset];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++offset;
    } else if (sql.compare(offset, 2, "--") == 0) {
      size_t newline = sql.find('\n', offset);
      offset = newline == std::string::npos ? end : newline + 1;
    } else if (sql.compare(offset, 2, "/*") == 0) {
      size_t close = sql.find("*/", offset + 2);
      offset = close == std::string::npos ? end : close + 2;
    } else {
      break;
    }
  }
  return offset;
}

}  // namespace

ParsedSql parseSql(const std::string& sql, int firstLine) {
  ParsedSql parsed;
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  if (result.error) {
    int position = std::max(result.error->cursorpos, 1);  // 1-based byte offset
    parsed.error = SyntaxError{result.error->message,
                               lineAt(sql, static_cast<size_t>(position - 1), firstLine)};
    pg_query_free_parse_result(result);
    return parsed;
  }
  nlohmann::json tree = nlohmann::json::parse(result.parse_tree);
  pg_query_free_parse_result(result);
  int previousLast = firstLine;
  for (const nlohmann::json& raw : tree.value("stmts", nlohmann::json::array())) {
    size_t location = raw.value("stmt_location", size_t{0});
    size_t length = raw.value("stmt_len", size_t{0});
    size_t end = length == 0 ? sql.size() : std::min(sql.size(), location + length);
    ParsedStatement statement;
    const auto& stmt = raw.at("stmt");
    statement.kind = stmt.begin().key();
    statement.node = stmt.begin().value();
    statement.leadingFrom = previousLast;
    statement.firstLine = lineAt(sql, firstTokenOffset(sql, location, end), firstLine);
    // The statement ends at its semicolon, which lies just past the parser's range.
    size_t terminator = end;
    while (terminator < sql.size() && std::isspace(static_cast<unsigned char>(sql[terminator]))) {
      ++terminator;
    }
    if (terminator >= sql.size() || sql[terminator] != ';')
      terminator = end > location ? end - 1 : end;
    statement.lastLine = lineAt(sql, terminator, firstLine);
    // A comment after the semicolon on the same line belongs to this statement.
    previousLast = statement.lastLine + 1;
    parsed.statements.push_back(std::move(statement));
  }
  return parsed;
}

}  // namespace retort::engine::lint
