#include "engine/schema/desired_schema_cache.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "engine/schema/model_json.hpp"

namespace retort::engine::schema {

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
