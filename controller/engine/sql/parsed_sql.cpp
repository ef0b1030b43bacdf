#include "engine/sql/parsed_sql.hpp"

#include <pg_query.h>

#include <algorithm>
#include <cctype>

namespace retort::engine::sql {

namespace {

// Line numbers of increasing offsets, counted incrementally: a schema file has thousands of
// statements, and counting from the start for each would be quadratic.
class LineCounter {
 public:
  LineCounter(const std::string& sql, int firstLine)
      : sql_(sql), firstLine_(firstLine), line_(firstLine) {}

  int lineAt(size_t offset) {
    offset = std::min(offset, sql_.size());
    if (offset < offset_) {  // an earlier offset: count again from the start
      offset_ = 0;
      line_ = firstLine_;
    }
    line_ += static_cast<int>(std::count(sql_.begin() + static_cast<long>(offset_),
                                         sql_.begin() + static_cast<long>(offset), '\n'));
    offset_ = offset;
    return line_;
  }

 private:
  const std::string& sql_;
  int firstLine_;
  size_t offset_ = 0;
  int line_;
};

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
    parsed.error =
        SyntaxError{result.error->message,
                    LineCounter(sql, firstLine).lineAt(static_cast<size_t>(position - 1))};
    pg_query_free_parse_result(result);
    return parsed;
  }
  nlohmann::json tree = nlohmann::json::parse(result.parse_tree);
  pg_query_free_parse_result(result);
  int previousLast = firstLine;
  LineCounter lines(sql, firstLine);
  if (!tree.contains("stmts")) return parsed;
  for (nlohmann::json& raw : tree["stmts"]) {
    size_t location = raw.value("stmt_location", size_t{0});
    size_t length = raw.value("stmt_len", size_t{0});
    size_t end = length == 0 ? sql.size() : std::min(sql.size(), location + length);
    ParsedStatement statement;
    auto& stmt = raw.at("stmt");
    statement.kind = stmt.begin().key();
    statement.node = std::move(stmt.begin().value());  // the tree is large: move, never copy
    statement.leadingFrom = previousLast;
    statement.firstLine = lines.lineAt(firstTokenOffset(sql, location, end));
    // The statement ends at its semicolon, which lies just past the parser's range.
    size_t terminator = end;
    while (terminator < sql.size() && std::isspace(static_cast<unsigned char>(sql[terminator]))) {
      ++terminator;
    }
    if (terminator >= sql.size() || sql[terminator] != ';')
      terminator = end > location ? end - 1 : end;
    statement.lastLine = lines.lineAt(terminator);
    // A comment after the semicolon on the same line belongs to this statement.
    previousLast = statement.lastLine + 1;
    parsed.statements.push_back(std::move(statement));
  }
  return parsed;
}

}  // namespace retort::engine::sql
