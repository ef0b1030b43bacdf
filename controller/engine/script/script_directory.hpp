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
  static ScriptDirectory load(const std::filesystem::path& location);

  const std::filesystem::path& location() const { return location_; }
  std::filesystem::path versionsPath() const { return location_ / "versions"; }
  std::filesystem::path templatePath() const { return location_ / "script.sql.tmpl"; }
  const RevisionGraph& graph() const { return *graph_; }
  const ScriptLocationSettings& settings() const { return settings_; }

 private:
  std::filesystem::path location_;
  std::unique_ptr<RevisionGraph> graph_;
  ScriptLocationSettings settings_;
};

// Hex SHA-256 of a script's text with CRLF line ends folded to LF (so a checkout on Windows
// does not look like an edit).
std::string scriptChecksum(const std::string& content);

}  // namespace retort::engine
