#include "engine/schema/desired_schema_cache.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "engine/schema/model_json.hpp"

namespace retort::engine::schema {

std::string cacheKey(std::string_view identity) {
  constexpr uint64_t kPrime = 0x100000001b3ULL;
  uint64_t first = 0xcbf29ce484222325ULL;   // FNV-1a's offset basis
  uint64_t second = 0x84222325cbf29ce4ULL;  // another basis, for the second half
  for (char c : identity) {
    first = (first ^ static_cast<unsigned char>(c)) * kPrime;
    second = (second ^ static_cast<unsigned char>(c)) * kPrime;
  }
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(first),
                static_cast<unsigned long long>(second));
  return hex;
}

std::string defaultCacheDirectory() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/retort";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::string(home) + "/.cache/retort";
  }
  return "";
}

namespace {

std::filesystem::path cacheFile(const std::string& directory, const std::string& key) {
  return std::filesystem::path(directory) / ("desired-" + key + ".json");
}

}  // namespace

std::optional<Model> readCachedModel(const std::string& directory, const std::string& key) {
  if (directory.empty()) return std::nullopt;
  std::ifstream input(cacheFile(directory, key));
  if (!input) return std::nullopt;
  try {
    return modelFromJson(nlohmann::json::parse(input));
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // damaged or from another format: the next store overwrites it
  }
}

void storeCachedModel(const std::string& directory, const std::string& key, const Model& model) {
  if (directory.empty()) return;
  namespace fs = std::filesystem;
  fs::path file = cacheFile(directory, key);
  std::error_code error;
  fs::create_directories(directory, error);
  // Write then rename, so a concurrent reader never sees half a file.
  fs::path temporary = file;
  temporary += "." + std::to_string(getpid()) + ".tmp";
  if (std::ofstream output(temporary); output) {
    output << modelToJson(model).dump();
    output.close();
    fs::rename(temporary, file, error);
  }
}

}  // namespace retort::engine::schema
