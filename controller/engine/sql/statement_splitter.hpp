// Splits a script section into statements with PostgreSQL's own scanner (libpg_query), so
// quoting, dollar quotes and comments are handled exactly as the server would, and maps each
// statement back to its line in the script file.
#pragma once

#include <string>
#include <vector>

#include "engine/script/script.hpp"

namespace retort::engine {

struct Statement {
  std::string sql;    // the statement text without its terminating semicolon
  int line = 0;       // 1-based line in the script file where the statement starts
  size_t offset = 0;  // byte offset of the statement inside the section
};

// Throws ScriptError (file and line) when the scanner rejects the text.
std::vector<Statement> splitStatements(const SqlSection& section, const std::string& file);

// Throws ScriptError (file and line) when the scanner rejects the text; nothing else. Scripts
// are checked when they are loaded, so an unterminated quote is found before anything runs
// instead of swallowing the SQL Retort appends to a step.
void checkSectionScans(const SqlSection& section, const std::string& file);

// 1-based line of byte `offset` in `text`, counting from `firstLine`.
int lineAt(const std::string& text, size_t offset, int firstLine);

}  // namespace retort::engine
