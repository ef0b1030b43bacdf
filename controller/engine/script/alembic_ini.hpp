// Reads an Alembic project's configuration file (`alembic.ini`) the way Alembic's
// ConfigParser does: sections, `key = value` or `key: value`, indented continuation lines,
// `#`/`;` comments, and `%(name)s` interpolation with `here` set to the file's directory. From
// the `[alembic]` section it takes what locates and names scripts (script_location,
// version_locations, file_template, truncate_slug_length, timezone) and, when the project sets
// them there, version_table and version_table_schema. Relative paths are resolved against
// `baseDirectory` (Alembic resolves them against the working directory it runs in).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace retort::engine {

struct AlembicIni {
  std::filesystem::path file;
  std::filesystem::path scriptLocation;                 // absolute
  std::vector<std::filesystem::path> versionLocations;  // absolute; empty: scriptLocation/versions
  std::string fileTemplate = "%(rev)s_%(slug)s";        // Alembic's default
  int truncateSlugLength = 40;
  std::string timezone;  // empty: local time
  std::string versionTable;
  std::string versionTableSchema;
};

// The keys of `section` in an ini text (with DEFAULT's), interpolated; nullopt when the section
// is absent. Throws ScriptError(file, line) on bad syntax or an interpolation that names a
// missing key. Other sections are not interpolated (logging formats use `%(name)s` freely).
std::optional<std::map<std::string, std::string>> parseIniSection(const std::string& text,
                                                                  const std::filesystem::path& file,
                                                                  const std::string& section);

// Reads `file` and its `[section]` (Alembic's `-n`, default "alembic"). Throws CommandError
// when the file is unreadable or lacks script_location, with Alembic's wording.
AlembicIni readAlembicIni(const std::filesystem::path& file,
                          const std::filesystem::path& baseDirectory,
                          const std::string& section = "alembic");

}  // namespace retort::engine
