#include "engine/util/log.hpp"

#include <cstdio>

namespace retort::engine {

namespace {
bool quietMode = false;

void write(const char* level, const std::string& logger, const std::string& message) {
  std::fprintf(stderr, "%-5.5s [%s] %s\n", level, logger.c_str(), message.c_str());
  std::fflush(stderr);
}
}  // namespace

void Log::setQuiet(bool quiet) {
  quietMode = quiet;
}
void Log::info(const std::string& logger, const std::string& message) {
  if (!quietMode) write("INFO", logger, message);
}
void Log::warning(const std::string& logger, const std::string& message) {
  write("WARNING", logger, message);
}
void Log::error(const std::string& logger, const std::string& message) {
  write("ERROR", logger, message);
}

}  // namespace retort::engine
