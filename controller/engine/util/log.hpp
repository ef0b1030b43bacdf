// Progress and diagnostics on stderr in Alembic's log layout
// ("INFO  [retort.runtime.migration] Running upgrade  -> a1, message"), so people and log
// scrapers used to Alembic read it the same way. Quiet mode drops INFO lines.
#pragma once

#include <string>

namespace retort::engine {

class Log {
 public:
  static void setQuiet(bool quiet);
  static void info(const std::string& logger, const std::string& message);
  static void warning(const std::string& logger, const std::string& message);
  static void error(const std::string& logger, const std::string& message);
};

}  // namespace retort::engine
