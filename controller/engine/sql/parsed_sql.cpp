#include "engine/sql/parsed_sql.hpp"

#include <pg_query.h>

namespace retort::engine::sql {

namespace {

// Makes the tree's locations offsets into the whole text: the statement was parsed alone,
// starting at byte `base` of it.
void shiftLocations(nlohmann::json& node, size_t base) {
  if (node.is_object()) {
    for (auto& [key, value] : node.items()) {
      if (key == "location" && value.is_number_integer()) {
        if (value.get<long long>() >= 0)
          value = value.get<long long>() + static_cast<long long>(base);
      } else {
        shiftLocations(value, base);
      }
    }
  } else if (node.is_array()) {
    for (nlohmann::json& item : node) shiftLocations(item, base);
  }
}

}  // namespace

std::optional<SyntaxError> visitParsedStatements(
    std::string_view sql, int firstLine, const std::function<void(ParsedStatement&)>& visit) {
  // A section that does not scan is not visited at all: the check streams and holds nothing.
  if (std::optional<SyntaxError> error = forEachStatement(sql, firstLine, [](const auto&) {}))
    return error;
  std::optional<SyntaxError> error;
  std::string text;
  forEachStatement(sql, firstLine, [&](const StatementSpan& span) {
    if (error) return;  // stop visiting after the first syntax error
    text.assign(span.textIn(sql));
    PgQueryParseResult result = pg_query_parse(text.c_str());
    if (result.error) {
      const int cursor = std::max(result.error->cursorpos, 1);
      const size_t offset = byteOffsetOfCharacter(text, cursor);
      // Lines inside the statement, counted from its first line.
      error = SyntaxError{result.error->message, LineCounter(text, span.firstLine).lineAt(offset)};
      pg_query_free_parse_result(result);
      return;
    }
    nlohmann::json tree = nlohmann::json::parse(result.parse_tree);
    pg_query_free_parse_result(result);
    if (!tree.contains("stmts")) return;
    for (nlohmann::json& raw : tree["stmts"]) {
      auto& stmt = raw.at("stmt");
      ParsedStatement statement;
      statement.kind = stmt.begin().key();
      statement.node = std::move(stmt.begin().value());  // the tree is large: move, never copy
      if (span.begin > 0) shiftLocations(statement.node, span.begin);
      statement.firstLine = span.firstLine;
      statement.lastLine = span.lastLine;
      statement.leadingFrom = span.leadingFrom;
      visit(statement);
    }
  });
  return error;
}

ParsedSql parseSql(std::string_view sql, int firstLine) {
  ParsedSql parsed;
  parsed.error = visitParsedStatements(sql, firstLine, [&](ParsedStatement& statement) {
    parsed.statements.push_back(std::move(statement));
  });
  if (parsed.error) parsed.statements.clear();
  return parsed;
}

}  // namespace retort::engine::sql
