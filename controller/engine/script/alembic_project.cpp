#include "engine/script/alembic_project.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "engine/script/alembic_python_module.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/text.hpp"

namespace retort::engine {

std::optional<std::filesystem::path> alembicIniIn(const std::filesystem::path& directory) {
  std::filesystem::path ini = directory / "alembic.ini";
  std::error_code ec;
  if (std::filesystem::is_regular_file(ini, ec)) return ini;
  return std::nullopt;
}

ScriptDirectory loadAlembicProject(const AlembicIni& ini) {
  std::vector<std::filesystem::path> locations = ini.versionLocations;
  if (locations.empty()) {
    std::filesystem::path versions = ini.scriptLocation / "versions";
    if (!std::filesystem::is_directory(versions)) {
      throw CommandError("Path doesn't exist: '" + versions.string() +
                         "'.  Please use the 'init' command to create a new scripts folder.");
    }
    locations.push_back(versions);
  }
  std::vector<Script> scripts;
  for (const std::filesystem::path& location : locations) {
    std::error_code ec;
    if (!std::filesystem::is_directory(location, ec)) continue;  // Alembic skips missing ones
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(location)) {
      std::string name = entry.path().filename().string();
      // Alembic's _only_source_rev_file: `*.py`, not `__init__*`, not an editor's `.#` lock.
      if (name.size() > 3 && name.compare(name.size() - 3, 3, ".py") == 0 &&
          name.rfind("__init__", 0) != 0 && name.rfind(".#", 0) != 0 && entry.is_regular_file()) {
        names.push_back(name);
      }
    }
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      std::filesystem::path path = location / name;
      std::optional<std::string> text = readFileIfExists(path);
      if (!text) throw CommandError("cannot read " + path.string());
      scripts.push_back(alembicScript(path, std::move(*text)));
    }
  }
  ScriptLocationSettings settings;
  settings.fileTemplate = ini.fileTemplate;
  settings.truncateSlugLength = ini.truncateSlugLength;
  if (!ini.timezone.empty()) {
    if (ini.timezone != "UTC" && ini.timezone != "utc") {
      throw ScriptError(ini.file.string(), 0,
                        "only timezone = UTC is supported, not '" + ini.timezone + "'");
    }
    settings.utc = true;
  }
  return ScriptDirectory::assemble(ini.scriptLocation, locations.front(),
                                   ini.scriptLocation / "script.py.mako", std::move(scripts),
                                   settings);
}

bool isAlembicPythonScript(const Script& script) {
  return script.path.extension() == ".py";
}

void refuseUnconvertedSteps(const RevisionGraph& graph, const std::vector<MigrationStep>& steps) {
  for (const MigrationStep& step : steps) {
    if (step.kind == MigrationStep::Kind::Stamp || step.revision < 0) continue;
    const Script& script = graph.script(step.revision);
    if (!isAlembicPythonScript(script)) continue;
    throw CommandError("Revision " + script.revision + " (" + script.path.string() +
                       ") is an Alembic Python script, and Retort does not run Python. Convert "
                       "the project once with `retort convert DIR --to OUT` and run the "
                       "converted .sql scripts, or run this step with Alembic. `stamp` and the "
                       "read-only commands work on the project as it is.");
  }
}

}  // namespace retort::engine
