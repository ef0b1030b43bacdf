// One migration script: a `.sql` file whose `-- key: value` header names its revision and
// parents, followed by a `-- migrate:upgrade` section and an optional `-- migrate:downgrade`
// section (DESIGN.md section 3). parseScript() validates the format and reports problems by
// file and line; it does not look at other scripts (the revision graph does that).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace retort::engine {

// Text shared by every copy of a Script and by its sections: a script of 60 MB is held once,
// however often the Script is copied or its sections viewed. Reads as a const std::string
// (empty when nothing was assigned); assigning a string replaces the text.
class SharedText {
 public:
  SharedText() = default;
  SharedText(std::string text) : text_(std::make_shared<const std::string>(std::move(text))) {}
  SharedText& operator=(std::string text) { return *this = SharedText(std::move(text)); }

  const std::string& str() const { return text_ ? *text_ : empty(); }
  operator const std::string&() const { return str(); }
  operator std::string_view() const { return str(); }
  bool operator==(std::string_view other) const { return str() == other; }

 private:
  static const std::string& empty() {
    static const std::string none;
    return none;
  }
  std::shared_ptr<const std::string> text_;
};

// A section of SQL inside a script, with the 1-based line of its first character so that
// errors inside it can be reported against the file. `sql` views text that `owner` keeps alive
// (the script's file, not a copy of it) or, when `owner` is empty, text of static storage (a
// literal in a test).
struct SqlSection {
  SqlSection() = default;
  SqlSection(std::string_view text, int line) : sql(text), firstLine(line) {}

  // A section holding its own text (SQL rendered rather than read from the file).
  static SqlSection owning(std::string text, int line) {
    SqlSection section({}, line);
    section.owner = std::move(text);
    section.sql = section.owner.str();
    return section;
  }

  std::string_view sql;
  int firstLine = 0;
  SharedText owner;
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
  SharedText content;   // the whole file, for checksums; the sections view it
  std::string longDoc;  // an Alembic .py script's whole docstring (empty for .sql scripts)

  // First paragraph of the message: what Alembic calls the script's `doc`.
  const std::string& doc() const { return message; }
};

// Whether loading a script also runs the statement scanner over its sections. Checked is what
// every command that sends or prints a script's SQL needs: an unterminated quote is then an
// error at load, before any step runs. Skipped is for the commands that only read the graph
// (heads, branches, history, show, current): they never send the SQL, and the scan was 12% of
// `heads` on 10,000 scripts (docs/benchmarks.md).
enum class SectionScan { Checked, Skipped };

// Parses `content` read from `path`. Throws ScriptError naming the file and line.
Script parseScript(const std::filesystem::path& path, std::string content,
                   SectionScan scan = SectionScan::Checked);

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
