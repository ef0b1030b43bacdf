#include "engine/sql/statement_splitter.hpp"

#include <pg_query.h>

#include <algorithm>

#include "engine/util/errors.hpp"

namespace retort::engine {

int lineAt(const std::string& text, size_t offset, int firstLine) {
  offset = std::min(offset, text.size());
  return firstLine +
         static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

namespace {

// The scanner's message quotes the text "at or near" the error; for an unterminated string
// that is the rest of the section, so it is cut to one readable line.
std::string shortMessage(const char* message) {
  std::string text = message ? message : "cannot split statements";
  size_t cut = text.find_first_of("\r\n");
  if (cut == std::string::npos && text.size() > 120) cut = 120;
  if (cut != std::string::npos) text = text.substr(0, cut) + "...\"";
  return text;
}

// Throws ScriptError naming the script line when PostgreSQL's scanner rejects the section:
// an unterminated quote, quoted identifier, dollar quote or comment.
PgQuerySplitResult splitOrThrow(const SqlSection& section, const std::string& file) {
  PgQuerySplitResult result = pg_query_split_with_scanner(section.sql.c_str());
  if (result.error) {
    std::string message = shortMessage(result.error->message);
    int line =
        lineAt(section.sql,
               result.error->cursorpos > 0 ? static_cast<size_t>(result.error->cursorpos - 1) : 0,
               section.firstLine);
    pg_query_free_split_result(result);
    throw ScriptError(file, line, message);
  }
  return result;
}

}  // namespace

void checkSectionScans(const SqlSection& section, const std::string& file) {
  pg_query_free_split_result(splitOrThrow(section, file));
}

std::vector<Statement> splitStatements(const SqlSection& section, const std::string& file) {
  PgQuerySplitResult result = splitOrThrow(section, file);
  std::vector<Statement> statements;
  for (int i = 0; i < result.n_stmts; ++i) {
    size_t begin = static_cast<size_t>(result.stmts[i]->stmt_location);
    size_t length = static_cast<size_t>(result.stmts[i]->stmt_len);
    std::string text = section.sql.substr(begin, length);
    // The scanner's location includes the whitespace and comments before a statement; the
    // line we report is that of its first real character.
    size_t skip = 0;
    while (skip < text.size()) {
      if (std::isspace(static_cast<unsigned char>(text[skip]))) {
        ++skip;
      } else if (text.compare(skip, 2, "--") == 0) {
        size_t eol = text.find('\n', skip);
        skip = eol == std::string::npos ? text.size() : eol + 1;
      } else {
        break;
      }
    }
    text = text.substr(skip);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    if (text.empty()) continue;
    statements.push_back(
        {text, lineAt(section.sql, begin + skip, section.firstLine), begin + skip});
  }
  pg_query_free_split_result(result);
  return statements;
}

}  // namespace retort::engine
