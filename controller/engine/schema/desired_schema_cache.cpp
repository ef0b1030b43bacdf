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

Model cachedModel(const std::string& directory, const std::string& key,
                  const std::function<Model()>& load) {
  if (directory.empty()) return load();
  namespace fs = std::filesystem;
  fs::path file = fs::path(directory) / ("desired-" + key + ".json");
  if (std::ifstream input(file); input) {
    try {
      return modelFromJson(nlohmann::json::parse(input));
    } catch (const nlohmann::json::exception&) {
      // Damaged or from another format: load again and overwrite below.
    }
  }
  Model model = load();
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
  return model;
}

}  // namespace retort::engine::schema
