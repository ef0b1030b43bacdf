// The statements of a script section as the executor runs them: text and script line of each,
// from the one statement scanner (statement_scanner.hpp). Scanner errors become ScriptErrors
// naming the script file and line.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/script/script.hpp"

namespace retort::engine {

struct Statement {
  std::string_view sql;  // the statement without its semicolon: a view into the section's text
  int line = 0;          // 1-based line in the script file where the statement starts
  size_t offset = 0;     // byte offset of the statement inside the section
};

// Throws ScriptError (file and line) when the scanner rejects the text. The statements view
// `section.sql`, which must outlive them.
std::vector<Statement> splitStatements(const SqlSection& section, const std::string& file);

// Calls `visit` with each statement as it is found, holding none of them: a section of a
// million statements is streamed in memory independent of its length. Throws ScriptError (file
// and line) when the scanner rejects the text, after visiting the statements before the error.
void visitStatements(const SqlSection& section, const std::string& file,
                     const std::function<void(const Statement&)>& visit);

// Throws ScriptError (file and line) when the scanner rejects the text; nothing else. Scripts
// are checked when they are loaded, so an unterminated quote is found before anything runs
// instead of swallowing the SQL Retort appends to a step.
void checkSectionScans(const SqlSection& section, const std::string& file);

// 1-based line of byte `offset` in `text`, counting from `firstLine`.
int lineAt(std::string_view text, size_t offset, int firstLine);

}  // namespace retort::engine
