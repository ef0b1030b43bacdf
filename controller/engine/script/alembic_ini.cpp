#include "engine/script/alembic_ini.hpp"

#include <fstream>
#include <sstream>

#include "engine/util/errors.hpp"
#include "engine/util/text.hpp"

namespace retort::engine {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// ConfigParser's BasicInterpolation: %(key)s from the same section or DEFAULT, %% for %.
std::string interpolate(const std::string& value, const std::map<std::string, std::string>& keys,
                        const std::filesystem::path& file, int line, int depth = 0) {
  if (depth > 10) throw ScriptError(file.string(), line, "interpolation too deeply recursive");
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') {
      out += value[i];
      continue;
    }
    if (i + 1 < value.size() && value[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    size_t close = value.find(")s", i);
    if (i + 1 >= value.size() || value[i + 1] != '(' || close == std::string::npos) {
      throw ScriptError(file.string(), line,
                        "'%' must be followed by '%' or '(', found: '" + value.substr(i) + "'");
    }
    std::string name = lower(value.substr(i + 2, close - i - 2));
    auto found = keys.find(name);
    if (found == keys.end())
      throw ScriptError(file.string(), line,
                        "bad interpolation variable reference %(" + name + ")s");
    out += interpolate(found->second, keys, file, line, depth + 1);
    i = close + 1;
  }
  return out;
}

}  // namespace

std::optional<std::map<std::string, std::string>> parseIniSection(const std::string& text,
                                                                  const std::filesystem::path& file,
                                                                  const std::string& wanted) {
  std::map<std::string, std::map<std::string, std::string>> raw;
  std::map<std::string, std::map<std::string, int>> lines;
  std::string section, key;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string t = std::string(trim(line));
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    bool indented = line[0] == ' ' || line[0] == '\t';
    if (indented && !key.empty()) {  // continuation of the previous value
      raw[section][key] += "\n" + t;
      continue;
    }
    if (t[0] == '[') {
      if (t.back() != ']') throw ScriptError(file.string(), number, "unterminated section name");
      section = t.substr(1, t.size() - 2);
      raw[section];
      key.clear();
      continue;
    }
    if (section.empty()) throw ScriptError(file.string(), number, "text before the first section");
    size_t sep = t.find_first_of("=:");
    if (sep == std::string::npos)
      throw ScriptError(file.string(), number, "expected 'key = value'");
    key = lower(std::string(trim(t.substr(0, sep))));
    raw[section][key] = std::string(trim(t.substr(sep + 1)));
    lines[section][key] = number;
  }
  // Like ConfigParser, interpolate only what is read: logging sections hold `%(levelname)s`.
  auto found = raw.find(wanted);
  if (found == raw.end()) return std::nullopt;
  std::map<std::string, std::string> defaults = raw["DEFAULT"];
  defaults.try_emplace("here", std::filesystem::absolute(file).parent_path().string());
  std::map<std::string, std::string> scope = defaults, out;
  for (auto& [k, v] : found->second) scope[k] = v;
  for (auto& [k, v] : scope) out[k] = interpolate(v, scope, file, lines[wanted][k]);
  return out;
}

AlembicIni readAlembicIni(const std::filesystem::path& file,
                          const std::filesystem::path& baseDirectory, const std::string& section) {
  std::optional<std::string> text = readFileIfExists(file);
  if (!text)
    throw CommandError("No config file '" + file.string() + "' found, or file has no '[" + section +
                       "]' section");
  auto found = parseIniSection(*text, file, section);
  if (!found) {
    throw CommandError("No config file '" + file.string() + "' found, or file has no '[" + section +
                       "]' section");
  }
  const auto& values = *found;
  auto get = [&](const std::string& key) -> std::string {
    auto v = values.find(key);
    return v == values.end() ? std::string() : v->second;
  };
  auto absolute = [&](const std::string& path) {
    std::filesystem::path p(path);
    return (p.is_absolute() ? p : baseDirectory / p).lexically_normal();
  };
  AlembicIni ini;
  ini.file = file;
  if (!values.count("script_location"))
    throw CommandError("No 'script_location' key found in configuration.");
  std::string location = get("script_location");
  if (location.find(':') != std::string::npos && !std::filesystem::exists(absolute(location))) {
    throw ScriptError(file.string(), 0,
                      "script_location '" + location +
                          "' names a Python package resource; Retort needs a directory path");
  }
  ini.scriptLocation = absolute(location);
  if (std::string versions = get("version_locations"); !versions.empty()) {
    std::string separator = get("version_path_separator");
    std::vector<std::string> parts;
    std::string current;
    auto flush = [&] {
      if (!current.empty()) parts.push_back(current);
      current.clear();
    };
    for (char c : versions) {
      bool split = separator.empty()                       ? (c == ',' || c == ' ')
                   : separator == "space"                  ? c == ' '
                   : separator == "os" || separator == ":" ? c == ':'
                   : separator == ";"                      ? c == ';'
                                                           : false;
      if (c == '\n') split = separator.empty() || separator == "space";
      if (split)
        flush();
      else
        current += c;
    }
    flush();
    for (const std::string& p : parts) ini.versionLocations.push_back(absolute(p));
  }
  if (values.count("file_template")) ini.fileTemplate = get("file_template");
  if (std::string t = get("truncate_slug_length"); !t.empty()) {
    try {
      ini.truncateSlugLength = std::stoi(t);
    } catch (const std::exception&) {
      throw ScriptError(file.string(), 0, "truncate_slug_length must be a number, not '" + t + "'");
    }
  }
  ini.timezone = get("timezone");
  ini.versionTable = get("version_table");
  ini.versionTableSchema = get("version_table_schema");
  return ini;
}

}  // namespace retort::engine
