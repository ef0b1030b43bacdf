// An Alembic project read as it is: `alembic.ini` locates the scripts (script_location,
// version_locations) and names new ones (file_template, truncate_slug_length, timezone); every
// `*.py` in the version locations is read without running Python (alembic_python_module.hpp)
// into the same RevisionGraph a `.sql` location builds. Read-only commands and `stamp` work on
// it as on `.sql` scripts; running a `.py` step is refused (refuseUnconvertedSteps) with a
// pointer to `retort convert`, because Retort does not execute Python.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/revision/migration_step.hpp"
#include "engine/script/alembic_ini.hpp"
#include "engine/script/script_directory.hpp"

namespace retort::engine {

// The `alembic.ini` in `directory`, if there is one.
std::optional<std::filesystem::path> alembicIniIn(const std::filesystem::path& directory);

// Loads the project `ini` describes. Throws ScriptError for the first unreadable script.
ScriptDirectory loadAlembicProject(const AlembicIni& ini);

// True for a script read from an Alembic `.py` file.
bool isAlembicPythonScript(const Script& script);

// Throws CommandError naming the first step whose script is Alembic Python.
void refuseUnconvertedSteps(const RevisionGraph& graph, const std::vector<MigrationStep>& steps);

}  // namespace retort::engine
