// Retort's one logger, on spdlog (thread-safe, one stderr sink shared by the engine, the
// Kubernetes client and the operator). The default text format is Alembic's log layout
// ("INFO  [retort.runtime.migration] Running upgrade  -> a1, message"), so people and log
// scrapers used to Alembic read it the same way; logfmt and JSON lines (with a UTC timestamp
// and optional key/value fields) are for the operator and log pipelines. The format comes from
// setFormat() or, until that is called, $RETORT_LOG_FORMAT (text, logfmt or json). Quiet
// mode drops INFO and DEBUG lines; DEBUG lines need setDebug(true). Callers never pass credentials
// in messages or fields.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace retort::engine {

enum class LogFormat { Text, Logfmt, Json };
enum class LogLevel { Debug, Info, Warning, Error };
using LogFields = std::vector<std::pair<std::string, std::string>>;

// "text", "logfmt" or "json"; nullopt for anything else.
std::optional<LogFormat> parseLogFormat(std::string_view name);

// One log line without its newline: the pure part of the logger, tested on its own.
std::string formatLogLine(LogFormat format, LogLevel level, std::string_view logger,
                          std::string_view message, const LogFields& fields,
                          std::chrono::system_clock::time_point time);

class Log {
 public:
  static void setQuiet(bool quiet);
  // DEBUG lines are dropped unless enabled.
  static void setDebug(bool enabled);
  static void setFormat(LogFormat format);
  static void debug(const std::string& logger, const std::string& message,
                    const LogFields& fields = {});
  static void info(const std::string& logger, const std::string& message,
                   const LogFields& fields = {});
  static void warning(const std::string& logger, const std::string& message,
                      const LogFields& fields = {});
  static void error(const std::string& logger, const std::string& message,
                    const LogFields& fields = {});
  static void write(LogLevel level, const std::string& logger, const std::string& message,
                    const LogFields& fields = {});
};

}  // namespace retort::engine
