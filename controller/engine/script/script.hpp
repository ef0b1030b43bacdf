// One migration script: a `.sql` file whose `-- key: value` header names its revision and
// parents, followed by a `-- migrate:upgrade` section and an optional `-- migrate:downgrade`
// section (DESIGN.md section 3). parseScript() validates the format and reports problems by
// file and line; it does not look at other scripts (the revision graph does that).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace retort::engine {

// A section of SQL inside a script, with the 1-based line of its first character so that
// errors inside it can be reported against the file.
struct SqlSection {
  std::string sql;
  int firstLine = 0;
};

struct Script {
  std::filesystem::path path;
  std::string revision;
  std::vector<std::string> downRevisions;  // empty: a root; several: a merge point
  std::vector<std::string> branchLabels;   // as declared here (not propagated)
  std::vector<std::string> dependsOn;      // as written: ids, partial ids or branch labels
  std::string createDate;
  std::string message;
  bool transactional = true;
  SqlSection upgrade;
  std::optional<SqlSection> downgrade;
  // Lines of header keys, for errors about their values (0 when the key is absent).
  int revisionLine = 0;
  int downRevisionLine = 0;
  int dependsOnLine = 0;
  int branchLabelsLine = 0;
  std::string content;  // the whole file, for checksums
  std::string longDoc;  // an Alembic .py script's whole docstring (empty for .sql scripts)

  // First paragraph of the message: what Alembic calls the script's `doc`.
  const std::string& doc() const { return message; }
};

// Parses `content` read from `path`. Throws ScriptError naming the file and line.
Script parseScript(const std::filesystem::path& path, std::string content);

// Characters Alembic does not allow in revision ids; returns Alembic's error text or "".
std::string invalidRevisionIdMessage(const std::string& id);

// The longest id the version table holds (Alembic's VARCHAR(32)).
constexpr size_t kMaxRevisionIdLength = 32;

// Why `id` cannot be a revision id, or "" when it can: Alembic's forbidden characters, the
// words of the target grammar (head, heads, base, current), anything that could name a path
// (an id becomes part of a file name), control bytes and more than kMaxRevisionIdLength
// characters.
std::string validateRevisionId(const std::string& id);

// Splits a comma-separated header value, trimming blanks and dropping empty items.
std::vector<std::string> splitList(const std::string& value);

}  // namespace retort::engine
