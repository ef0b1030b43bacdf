#include "engine/script/script.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <string_view>

#include "engine/sql/statement_splitter.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/printable.hpp"
#include "engine/util/text.hpp"
#include "engine/util/utf8.hpp"

namespace retort::engine {

namespace {

constexpr std::string_view kUpgradeMarker = "-- migrate:upgrade";
constexpr std::string_view kDowngradeMarker = "-- migrate:downgrade";

bool isHeaderKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

constexpr std::string_view kKnownKeys[] = {"revision",     "down_revision", "branch_labels",
                                           "depends_on",   "create_date",   "message",
                                           "transactional"};

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool isKnownKey(std::string_view key) {
  return std::find(std::begin(kKnownKeys), std::end(kKnownKeys), key) != std::end(kKnownKeys);
}

// A header line is `-- key: value` where key is letters and underscores; returns false for
// other lines. The caller decides whether the key is one it knows and is spelt in lowercase.
bool parseHeaderLine(std::string_view line, std::string_view& key, std::string_view& value) {
  if (line.substr(0, 3) != "-- ") return false;
  std::string_view rest = line.substr(3);
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i) {
    if (!isHeaderKeyChar(rest[i])) return false;
  }
  key = rest.substr(0, colon);
  value = trim(rest.substr(colon + 1));
  return true;
}

bool isMarker(std::string_view line, std::string_view marker) {
  return trim(line) == marker;
}

}  // namespace

std::vector<std::string> splitList(const std::string& value) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string::npos) comma = value.size();
    std::string_view item = trim(std::string_view(value).substr(start, comma - start));
    if (!item.empty()) items.emplace_back(item);
    start = comma + 1;
  }
  return items;
}

std::string invalidRevisionIdMessage(const std::string& id) {
  std::set<char> bad;
  for (char c : id) {
    if (c == '@' || c == '-' || c == '+' || c == ':') bad.insert(c);
  }
  if (bad.empty()) return "";
  std::string chars;
  for (char c : bad) {
    if (!chars.empty()) chars += ", ";
    chars += c;
  }
  return "Character(s) '" + chars + "' not allowed in revision identifier '" + id + "'";
}

std::string validateRevisionId(const std::string& id) {
  if (id.empty()) return "revision id is empty";
  for (unsigned char c : id) {
    if (c < 0x20 || c == 0x7f) return "revision id '" + printable(id) + "' contains a control byte";
  }
  for (const char* part : {"/", "\\", ".."}) {
    if (id.find(part) != std::string::npos) {
      return "revision id '" + id + "' contains '" + part + "'; an id cannot name a path";
    }
  }
  if (std::string bad = invalidRevisionIdMessage(id); !bad.empty()) return bad;
  for (const char* word : {"head", "heads", "base", "current"}) {
    if (id == word) {
      return "'" + id +
             "' is a reserved word of the revision target grammar and cannot be a revision id";
    }
  }
  if (id.size() > kMaxRevisionIdLength) {
    return "revision id '" + id + "' is " + std::to_string(id.size()) +
           " characters long; the version table holds at most " +
           std::to_string(kMaxRevisionIdLength);
  }
  return "";
}

Script parseScript(const std::filesystem::path& path, std::string content, SectionScan scan) {
  Script script;
  script.path = path;
  const std::string file = path.string();
  if (size_t bad = firstInvalidUtf8(content); bad != std::string::npos) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02x", static_cast<unsigned char>(content[bad]));
    throw ScriptError(file,
                      1 + static_cast<int>(std::count(
                              content.begin(), content.begin() + static_cast<long>(bad), '\n')),
                      std::string("byte ") + byte +
                          " is not valid UTF-8; scripts must be UTF-8 (convert a Latin-1 file "
                          "with iconv -f latin1 -t utf-8)");
  }

  enum class Part { Header, Preamble, Upgrade, Downgrade } part = Part::Header;
  size_t upgradeStart = std::string::npos, upgradeEnd = std::string::npos;
  size_t downgradeStart = std::string::npos;
  std::set<std::string, std::less<>> seenKeys;
  int headerEndLine = 0;

  int lineNumber = 0;
  size_t pos = 0;
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    size_t next = eol == std::string::npos ? content.size() : eol + 1;
    std::string_view line(content.data() + pos,
                          (eol == std::string::npos ? content.size() : eol) - pos);
    ++lineNumber;

    if (part == Part::Header || part == Part::Preamble) {
      std::string_view key, value;
      if (isMarker(line, kUpgradeMarker)) {
        part = Part::Upgrade;
        upgradeStart = next;
        script.upgrade.firstLine = lineNumber + 1;
      } else if (isMarker(line, kDowngradeMarker)) {
        throw ScriptError(file, lineNumber,
                          "'-- migrate:downgrade' comes before '-- migrate:upgrade'");
      } else if (part == Part::Header && parseHeaderLine(line, key, value) &&
                 isKnownKey(lowercase(key))) {
        if (std::string lower = lowercase(key); lower != key) {
          throw ScriptError(
              file, lineNumber,
              "header key '" + std::string(key) + "' must be lowercase: '" + lower + "'");
        }
        if (!seenKeys.insert(std::string(key)).second) {
          throw ScriptError(file, lineNumber,
                            "header key '" + std::string(key) + "' appears twice");
        }
        std::string v(value);
        if (key == "revision") {
          script.revision = v;
          script.revisionLine = lineNumber;
        } else if (key == "down_revision") {
          script.downRevisions = splitList(v);
          script.downRevisionLine = lineNumber;
        } else if (key == "branch_labels") {
          script.branchLabels = splitList(v);
          script.branchLabelsLine = lineNumber;
        } else if (key == "depends_on") {
          script.dependsOn = splitList(v);
          script.dependsOnLine = lineNumber;
        } else if (key == "create_date") {
          script.createDate = v;
        } else if (key == "message") {
          script.message = v;
        } else if (key == "transactional") {
          if (v != "true" && v != "false") {
            throw ScriptError(file, lineNumber,
                              "transactional must be 'true' or 'false', not '" + v + "'");
          }
          script.transactional = v == "true";
        } else {
          throw ScriptError(file, lineNumber,
                            "unknown header key '" + std::string(key) +
                                "' (expected revision, down_revision, branch_labels, depends_on, "
                                "create_date, message or transactional)");
        }
      } else if (part == Part::Header && trim(line).substr(0, 2) == "--") {
        // DESIGN.md section 3: the header is one block; a stray comment inside it used to end
        // it silently and drop the keys after it.
        if (parseHeaderLine(line, key, value) && lowercase(key) == key) {
          throw ScriptError(file, lineNumber,
                            "unknown header key '" + std::string(key) +
                                "' (expected revision, down_revision, branch_labels, depends_on, "
                                "create_date, message or transactional)");
        }
        throw ScriptError(file, lineNumber,
                          "'" + printable(trim(line)) +
                              "' is not a header key; the header is one block of '-- key: "
                              "value' lines (put free comments after a blank line)");
      } else if (trim(line).empty()) {
        if (part == Part::Header && !seenKeys.empty()) {
          part = Part::Preamble;
          headerEndLine = lineNumber;
        }
      } else if (trim(line).substr(0, 2) == "--") {
        if (parseHeaderLine(line, key, value) && isKnownKey(lowercase(key))) {
          throw ScriptError(file, lineNumber,
                            "header key '" + std::string(key) +
                                "' after the end of the header at line " +
                                std::to_string(headerEndLine) +
                                "; the header is one block of '-- key: value' lines");
        }
      } else {
        throw ScriptError(
            file, lineNumber,
            "SQL before '-- migrate:upgrade'; every statement must be inside a section");
      }
    } else if (isMarker(line, kUpgradeMarker)) {
      throw ScriptError(file, lineNumber, "second '-- migrate:upgrade' section");
    } else if (isMarker(line, kDowngradeMarker)) {
      if (part == Part::Downgrade) {
        throw ScriptError(file, lineNumber, "second '-- migrate:downgrade' section");
      }
      part = Part::Downgrade;
      upgradeEnd = pos;
      downgradeStart = next;
      script.downgrade.emplace();
      script.downgrade->firstLine = lineNumber + 1;
    }
    pos = next;
  }

  if (script.revisionLine == 0 || script.revision.empty()) {
    throw ScriptError(file, script.revisionLine ? script.revisionLine : 1,
                      "no '-- revision:' header; every script must declare its revision id");
  }
  if (std::string bad = validateRevisionId(script.revision); !bad.empty()) {
    throw ScriptError(file, script.revisionLine, bad);
  }
  if (upgradeStart == std::string::npos) {
    throw ScriptError(file, lineNumber > 0 ? lineNumber : 1,
                      "no '-- migrate:upgrade' section; a script needs one even when it is empty");
  }
  if (upgradeEnd == std::string::npos) upgradeEnd = content.size();
  // The sections view the file's text, which the Script and its sections share: no copy.
  script.content = std::move(content);
  const std::string_view text = script.content;
  script.upgrade.sql = text.substr(std::min(upgradeStart, text.size()),
                                   upgradeEnd - std::min(upgradeStart, upgradeEnd));
  script.upgrade.owner = script.content;
  if (script.downgrade) {
    script.downgrade->sql = text.substr(std::min(downgradeStart, text.size()));
    script.downgrade->owner = script.content;
  }
  if (scan == SectionScan::Checked) {
    checkSectionScans(script.upgrade, file);
    if (script.downgrade) checkSectionScans(*script.downgrade, file);
  }
  return script;
}

}  // namespace retort::engine
