// Renders an Alembic project's `script.py.mako` for `retort revision` without Python or Mako:
// the forms Alembic's own templates and most teams' edits use. `${expr}` where expr is a name,
// a string literal, `repr(name)`, `a if b else c`, optionally piped through Mako filters
// (`comma`, `n`, `h`, `trim`); control lines `% if expr:`, `% elif expr:`, `% else:`,
// `% endif`; `##` comment lines. Undefined names are falsy and render as "" (Mako's
// UNDEFINED would fail only if printed; Alembic's templates guard them). Anything else is a
// ScriptError naming the template's file and line, so an unsupported template fails before a
// script is written.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace retort::engine {

// A template variable as Python sees it: None, a string, or a tuple of strings.
struct PythonValue {
  enum class Kind { None, String, Tuple } kind = Kind::None;
  std::string string;
  std::vector<std::string> items;

  static PythonValue none() { return {}; }
  static PythonValue of(std::string s) { return {Kind::String, std::move(s), {}}; }
  static PythonValue tuple(std::vector<std::string> items) {
    return {Kind::Tuple, "", std::move(items)};
  }
  // Alembic's tuple_rev_as_scalar: () -> None, (a,) -> 'a', else the tuple.
  static PythonValue scalarOrTuple(const std::vector<std::string>& items);
  bool truthy() const;
  std::string repr() const;  // Python's repr()
  std::string str() const;   // Python's str()
};

std::string renderMakoTemplate(const std::string& text, const std::filesystem::path& file,
                               const std::map<std::string, PythonValue>& values);

// A new Alembic revision script from the project's template (`templateFile`, a
// script.py.mako), with the variables Alembic's `revision` command passes. Throws
// CommandError when the template is missing and ScriptError when it cannot be rendered.
struct AlembicRevisionValues {
  std::string revision;
  std::vector<std::string> downRevisions, branchLabels, dependsOn;
  std::string createDate, message;
};
std::string renderAlembicRevision(const std::filesystem::path& templateFile,
                                  const AlembicRevisionValues& values);

}  // namespace retort::engine
