#include "engine/sql/statement_splitter.hpp"

#include "engine/sql/statement_scanner.hpp"
#include "engine/util/errors.hpp"

namespace retort::engine {

int lineAt(std::string_view text, size_t offset, int firstLine) {
  return sql::LineCounter(text, firstLine).lineAt(offset);
}

void checkSectionScans(const SqlSection& section, const std::string& file) {
  visitStatements(section, file, [](const Statement&) {});
}

void visitStatements(const SqlSection& section, const std::string& file,
                     const std::function<void(const Statement&)>& visit) {
  std::optional<sql::SyntaxError> error =
      sql::forEachStatement(section.sql, section.firstLine, [&](const sql::StatementSpan& span) {
        visit({span.textIn(section.sql), span.firstLine, span.begin});
      });
  if (error) throw ScriptError(file, error->line, error->message);
}

std::vector<Statement> splitStatements(const SqlSection& section, const std::string& file) {
  std::vector<Statement> statements;
  visitStatements(section, file,
                  [&](const Statement& statement) { statements.push_back(statement); });
  return statements;
}

}  // namespace retort::engine
