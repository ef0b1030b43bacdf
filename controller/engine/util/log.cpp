#include "engine/util/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>

namespace retort::engine {

namespace {

std::atomic<bool> quietMode = false;
std::atomic<bool> debugMode = false;
std::atomic<int> chosenFormat = -1;  // -1: not chosen yet, read $RETORT_LOG_FORMAT

LogFormat currentFormat() {
  int format = chosenFormat.load();
  if (format >= 0) return static_cast<LogFormat>(format);
  const char* fromEnvironment = std::getenv("RETORT_LOG_FORMAT");
  LogFormat parsed =
      parseLogFormat(fromEnvironment ? fromEnvironment : "text").value_or(LogFormat::Text);
  chosenFormat.store(static_cast<int>(parsed));
  return parsed;
}

// The formatting is ours (formatLogLine); spdlog supplies the thread-safe sink, flushing and
// level filtering, so the pattern is the bare message.
spdlog::logger& sink() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto created = std::make_shared<spdlog::logger>(
        "retort", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    created->set_pattern("%v");
    created->set_level(spdlog::level::trace);
    created->flush_on(spdlog::level::trace);
    return created;
  }();
  return *logger;
}

const char* levelName(LogLevel level, bool upper) {
  switch (level) {
    case LogLevel::Debug:
      return upper ? "DEBUG" : "debug";
    case LogLevel::Info:
      return upper ? "INFO" : "info";
    case LogLevel::Warning:
      return upper ? "WARNING" : "warning";
    case LogLevel::Error:
      return upper ? "ERROR" : "error";
  }
  return "";
}

std::string timestamp(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  const long millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return buffer;
}

// logfmt leaves a value bare unless it is empty or holds a space, '=', '"' or a control byte.
std::string logfmtValue(std::string_view value) {
  bool bare = !value.empty();
  for (char c : value) {
    if (c == ' ' || c == '=' || c == '"' || static_cast<unsigned char>(c) < 0x20) bare = false;
  }
  if (bare) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// nlohmann's escaping; a byte that is not UTF-8 becomes U+FFFD so the line stays valid JSON.
std::string jsonString(std::string_view value) {
  return nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::optional<LogFormat> parseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::Text;
  if (name == "logfmt") return LogFormat::Logfmt;
  if (name == "json") return LogFormat::Json;
  return std::nullopt;
}

std::string formatLogLine(LogFormat format, LogLevel level, std::string_view logger,
                          std::string_view message, const LogFields& fields,
                          std::chrono::system_clock::time_point time) {
  switch (format) {
    case LogFormat::Text: {
      // Python logging's "%(levelname)-5.5s [%(name)s] %(message)s": WARNING prints as WARNI.
      std::string level5 = std::string(levelName(level, true)).substr(0, 5);
      level5.resize(5, ' ');
      std::string line = level5 + " [" + std::string(logger) + "] " + std::string(message);
      for (const auto& [key, value] : fields) line += " " + key + "=" + logfmtValue(value);
      return line;
    }
    case LogFormat::Logfmt: {
      std::string line = "time=" + timestamp(time) + " level=" + levelName(level, false) +
                         " logger=" + logfmtValue(logger) + " msg=" + logfmtValue(message);
      for (const auto& [key, value] : fields) line += " " + key + "=" + logfmtValue(value);
      return line;
    }
    case LogFormat::Json: {
      std::string line = "{\"time\":\"" + timestamp(time) + "\",\"level\":\"" +
                         levelName(level, false) + "\",\"logger\":" + jsonString(logger) +
                         ",\"msg\":" + jsonString(message);
      for (const auto& [key, value] : fields)
        line += "," + jsonString(key) + ":" + jsonString(value);
      return line + "}";
    }
  }
  return std::string(message);
}

void Log::setQuiet(bool quiet) {
  quietMode = quiet;
}
void Log::setDebug(bool enabled) {
  debugMode = enabled;
}
void Log::setFormat(LogFormat format) {
  chosenFormat = static_cast<int>(format);
}
void Log::write(LogLevel level, const std::string& logger, const std::string& message,
                const LogFields& fields) {
  if (quietMode && level < LogLevel::Warning) return;
  if (level == LogLevel::Debug && !debugMode) return;
  sink().log(spdlog::level::info, formatLogLine(currentFormat(), level, logger, message, fields,
                                                std::chrono::system_clock::now()));
}
void Log::debug(const std::string& logger, const std::string& message, const LogFields& fields) {
  write(LogLevel::Debug, logger, message, fields);
}
void Log::info(const std::string& logger, const std::string& message, const LogFields& fields) {
  write(LogLevel::Info, logger, message, fields);
}
void Log::warning(const std::string& logger, const std::string& message, const LogFields& fields) {
  write(LogLevel::Warning, logger, message, fields);
}
void Log::error(const std::string& logger, const std::string& message, const LogFields& fields) {
  write(LogLevel::Error, logger, message, fields);
}

}  // namespace retort::engine
