// Reads an Alembic revision script (`versions/*.py`) without running Python: the module
// docstring and the module-level assignments of `revision`, `down_revision`, `branch_labels`
// and `depends_on` (with or without a type annotation). Values must be literals: a string,
// `None`, or a tuple or list of strings; anything else is a ScriptError naming the file and
// line, because Retort cannot know what a computed identifier evaluates to. The result is a
// Script whose SQL sections are empty: the steps themselves stay Python (see
// docs/alembic.md).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/script/script.hpp"

namespace retort::engine {

// A Python literal value as far as Alembic's identifiers need: None, one string, or a
// sequence of strings.
struct PythonLiteral {
  bool isNone = true;
  std::vector<std::string> strings;
  int line = 0;
};

struct AlembicModule {
  std::string docstring;  // stripped, as Alembic's Script.longdoc
  std::optional<PythonLiteral> revision, downRevision, branchLabels, dependsOn;
};

// Parses the module text. Throws ScriptError(file, line) on a non-literal identifier or on
// text that is not Python the reader understands (an unterminated string or bracket).
AlembicModule parseAlembicModule(const std::filesystem::path& path, const std::string& content);

// The module as a Script: ids, labels, dependencies, Alembic's `doc` (the docstring's first
// paragraph) as the message, `Create Date:` from the docstring. Throws ScriptError when the
// module declares no revision.
Script alembicScript(const std::filesystem::path& path, std::string content);

}  // namespace retort::engine
