#include "engine/script/script.hpp"

#include <algorithm>
#include <set>
#include <string_view>

#include "engine/util/errors.hpp"

namespace retort::engine {

namespace {

constexpr std::string_view kUpgradeMarker = "-- migrate:upgrade";
constexpr std::string_view kDowngradeMarker = "-- migrate:downgrade";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool isHeaderKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || c == '_';
}

// A header line is `-- key: value` with a lowercase key; returns false for other lines.
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

bool isBlankOrComment(std::string_view line) {
  line = trim(line);
  return line.empty() || line.substr(0, 2) == "--";
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

Script parseScript(const std::filesystem::path& path, std::string content) {
  Script script;
  script.path = path;
  const std::string file = path.string();

  enum class Part { Header, Preamble, Upgrade, Downgrade } part = Part::Header;
  size_t upgradeStart = std::string::npos, upgradeEnd = std::string::npos;
  size_t downgradeStart = std::string::npos;
  std::set<std::string, std::less<>> seenKeys;

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
      } else if (part == Part::Header && parseHeaderLine(line, key, value)) {
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
      } else if (isBlankOrComment(line)) {
        // Blank lines and free comments end the header but may precede the upgrade marker.
        if (!trim(line).empty()) part = Part::Preamble;
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
  if (std::string bad = invalidRevisionIdMessage(script.revision); !bad.empty()) {
    throw ScriptError(file, script.revisionLine, bad);
  }
  if (upgradeStart == std::string::npos) {
    throw ScriptError(file, lineNumber > 0 ? lineNumber : 1,
                      "no '-- migrate:upgrade' section; a script needs one even when it is empty");
  }
  if (upgradeEnd == std::string::npos) upgradeEnd = content.size();
  script.upgrade.sql = content.substr(std::min(upgradeStart, content.size()),
                                      upgradeEnd - std::min(upgradeStart, upgradeEnd));
  if (script.downgrade) {
    script.downgrade->sql = content.substr(std::min(downgradeStart, content.size()));
  }
  script.content = std::move(content);
  return script;
}

}  // namespace retort::engine
