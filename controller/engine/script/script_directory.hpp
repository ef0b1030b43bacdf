// The script location: `<dir>/versions/*.sql` loaded in file-name order into a RevisionGraph,
// plus the location's template for new scripts and its optional settings file
// (`<dir>/retort.ini`: file_template, truncate_slug_length, timezone).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "engine/revision/revision_graph.hpp"

namespace retort::engine {

struct ScriptLocationSettings {
  // Alembic's file_template tokens; the default puts the date first so listings read in order.
  std::string fileTemplate =
      "%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d-%(rev)s_%(slug)s";
  int truncateSlugLength = 40;
  bool utc = false;  // create dates in UTC instead of local time
};

class ScriptDirectory {
 public:
  // Loads every script; throws ScriptError for the first malformed file, with its line.
  static ScriptDirectory load(const std::filesystem::path& location,
                              SectionScan scan = SectionScan::Checked);

  // A directory whose scripts were read elsewhere (an Alembic project: alembic_project.hpp).
  static ScriptDirectory assemble(std::filesystem::path location, std::filesystem::path versions,
                                  std::filesystem::path templateFile, std::vector<Script> scripts,
                                  ScriptLocationSettings settings);

  const std::filesystem::path& location() const { return location_; }
  std::filesystem::path versionsPath() const {
    return versionsPath_.empty() ? location_ / "versions" : versionsPath_;
  }
  std::filesystem::path templatePath() const {
    return templatePath_.empty() ? location_ / "script.sql.tmpl" : templatePath_;
  }
  const RevisionGraph& graph() const { return *graph_; }
  const ScriptLocationSettings& settings() const { return settings_; }

 private:
  std::filesystem::path location_;
  std::filesystem::path versionsPath_, templatePath_;  // empty: the defaults above
  std::unique_ptr<RevisionGraph> graph_;
  ScriptLocationSettings settings_;
};

// Hex SHA-256 of a script's text with CRLF line ends folded to LF (so a checkout on Windows
// does not look like an edit).
std::string scriptChecksum(const std::string& content);

}  // namespace retort::engine
