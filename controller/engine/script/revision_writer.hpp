// Writes new scripts for `revision` and `merge`: picks the parents (Alembic's --head,
// --splice and multiple-heads rules), renders the script location's template
// (`script.sql.tmpl`, or a built-in one) and names the file by the location's file_template
// and Alembic's slug rule. Everything is validated before the file is written.
#pragma once

#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/script/script_directory.hpp"

namespace retort::engine {

struct NewRevision {
  std::string message;                     // empty: "empty message"
  std::vector<std::string> heads{"head"};  // what to build on: `head`, `base`, ids, labels
  bool splice = false;
  std::vector<std::string> branchLabels;
  std::vector<std::string> dependsOn;
  std::string revisionId;  // empty: a random 12-hex-digit id
  std::string upgradeSql;  // body of the upgrade section (autogenerate fills it)
  std::string downgradeSql;
};

// Writes the script and returns its path.
std::filesystem::path writeRevision(const ScriptDirectory& scripts, const NewRevision& request);

// Pieces exposed for tests.
std::string randomRevisionId();
std::string slugify(const std::string& message, int truncateLength);
std::string renderFileTemplate(const std::string& fileTemplate, const std::string& rev,
                               const std::string& slug, const std::tm& when, std::time_t epoch);
// versions/fileName, or CommandError when fileName would leave the versions folder (`..`, an
// absolute path, a sub-folder) or hide the file (a leading dot).
std::filesystem::path scriptPathInside(const std::filesystem::path& versions,
                                       const std::string& fileName);
// Replaces each ${key} of the template, in one pass (values are not expanded again).
std::string renderScriptTemplate(const std::string& templateText,
                                 const std::vector<std::pair<std::string, std::string>>& values);
extern const char* const kDefaultScriptTemplate;

}  // namespace retort::engine
