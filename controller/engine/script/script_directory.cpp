#include "engine/script/script_directory.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "engine/util/errors.hpp"
#include "engine/util/printable.hpp"
#include "engine/util/sha256.hpp"
#include "engine/util/text.hpp"

namespace retort::engine {

namespace {

// Scripts are small: one read into a large buffer usually returns the whole file, so a
// script costs open, one read and close, which matters at 10,000 scripts (a read of a regular
// file that returns less than it was asked for has reached the end: Linux does not return a
// short read of a regular file otherwise). Only an entry whose type readdir() did not report
// as a regular file pays for an fstat; the open never blocks, so a FIFO named x.sql is
// refused instead of hanging the loader.
std::string readFile(int directory, const std::string& name, bool knownRegular,
                     const std::filesystem::path& path) {
  int fd = ::openat(directory, name.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) throw CommandError("cannot read " + path.string() + ": " + std::strerror(errno));
  struct stat info {};
  if (!knownRegular && (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode))) {
    ::close(fd);
    throw ScriptError(path.string(), 0,
                      "not a regular file; versions/ may hold only regular .sql script files");
  }
  std::string content;
  char buffer[65536];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
    // A file larger than the buffer gets its whole size reserved: growing the string by
    // doubling would hold up to three times a very large script while it is read.
    if (content.empty() && static_cast<size_t>(n) == sizeof buffer && ::fstat(fd, &info) == 0)
      content.reserve(static_cast<size_t>(info.st_size));
    content.append(buffer, static_cast<size_t>(n));
    if (static_cast<size_t>(n) < sizeof buffer) break;
  }
  ::close(fd);
  if (n < 0) throw CommandError("cannot read " + path.string() + ": " + std::strerror(errno));
  return content;
}

ScriptLocationSettings readSettings(const std::filesystem::path& file) {
  ScriptLocationSettings settings;
  std::ifstream in(file);
  if (!in) return settings;
  std::string line;
  int lineNumber = 0;
  while (std::getline(in, line)) {
    ++lineNumber;
    std::string t = std::string(trim(line));
    if (t.empty() || t[0] == '#' || t[0] == ';' || t[0] == '[') continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos)
      throw ScriptError(file.string(), lineNumber, "expected 'key = value'");
    std::string key = std::string(trim(t.substr(0, eq))),
                value = std::string(trim(t.substr(eq + 1)));
    if (key == "file_template") {
      // Alembic's ini files escape % as %%; accept both spellings.
      for (size_t pos; (pos = value.find("%%")) != std::string::npos;) value.replace(pos, 2, "%");
      settings.fileTemplate = value;
    } else if (key == "truncate_slug_length") {
      int number = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (error != std::errc() || end != value.data() + value.size() || number < 0) {
        throw ScriptError(file.string(), lineNumber,
                          "truncate_slug_length must be a whole number of characters, not '" +
                              printable(value) + "'");
      }
      settings.truncateSlugLength = number;
    } else if (key == "timezone") {
      if (value != "UTC" && value != "utc") {
        throw ScriptError(file.string(), lineNumber,
                          "only timezone = UTC is supported, not '" + value + "'");
      }
      settings.utc = true;
    } else {
      throw ScriptError(file.string(), lineNumber,
                        "unknown setting '" + key +
                            "' (expected file_template, truncate_slug_length or timezone)");
    }
  }
  return settings;
}

}  // namespace

ScriptDirectory ScriptDirectory::load(const std::filesystem::path& location, SectionScan scan) {
  ScriptDirectory dir;
  dir.location_ = location;
  std::filesystem::path versions = location / "versions";
  DIR* handle = ::opendir(versions.c_str());
  if (!handle) {
    throw CommandError("Path doesn't exist: '" + versions.string() +
                       "'.  Please use the 'init' command to create a new scripts folder.");
  }
  std::vector<std::pair<std::string, bool>> entries;  // name, known to be a regular file
  while (dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".sql") == 0 && name[0] != '.') {
      entries.emplace_back(std::move(name), entry->d_type == DT_REG);
    }
  }
  std::sort(entries.begin(), entries.end());
  std::vector<std::string> names;
  names.reserve(entries.size());
  for (const auto& entry : entries) names.push_back(entry.first);
  std::vector<Script> scripts(names.size());
  int directory = ::dirfd(handle);
  // Large locations are read and parsed by two threads: the work is mostly system calls.
  auto load = [&](size_t begin, size_t end, std::exception_ptr& error) {
    try {
      for (size_t i = begin; i < end; ++i) {
        std::filesystem::path path = versions / names[i];
        scripts[i] =
            parseScript(path, readFile(directory, names[i], entries[i].second, path), scan);
      }
    } catch (...) {
      error = std::current_exception();
    }
  };
  std::exception_ptr firstError, secondError;
  if (names.size() >= 2000) {
    size_t half = names.size() / 2;
    std::thread helper(load, half, names.size(), std::ref(secondError));
    load(0, half, firstError);
    helper.join();
  } else {
    load(0, names.size(), firstError);
  }
  ::closedir(handle);
  if (firstError) std::rethrow_exception(firstError);
  if (secondError) std::rethrow_exception(secondError);
  dir.graph_ = std::make_unique<RevisionGraph>(std::move(scripts));
  dir.settings_ = readSettings(location / "retort.ini");
  return dir;
}

ScriptDirectory ScriptDirectory::assemble(std::filesystem::path location,
                                          std::filesystem::path versions,
                                          std::filesystem::path templateFile,
                                          std::vector<Script> scripts,
                                          ScriptLocationSettings settings) {
  ScriptDirectory dir;
  dir.location_ = std::move(location);
  dir.versionsPath_ = std::move(versions);
  dir.templatePath_ = std::move(templateFile);
  dir.graph_ = std::make_unique<RevisionGraph>(std::move(scripts));
  dir.settings_ = std::move(settings);
  return dir;
}

std::string scriptChecksum(const std::string& content) {
  std::string normalized;
  normalized.reserve(content.size());
  for (size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '\r' && i + 1 < content.size() && content[i + 1] == '\n') continue;
    normalized += content[i];
  }
  return sha256Hex(normalized);
}

}  // namespace retort::engine
