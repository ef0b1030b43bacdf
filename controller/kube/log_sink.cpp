#include "kube/log_sink.hpp"

#include <mutex>
#include <string>

#include "engine/util/log.hpp"

namespace retort::kube {
namespace {

std::mutex& sink_mutex() {
  static std::mutex mutex;
  return mutex;
}

LogSink& sink() {
  static LogSink current;
  return current;
}

}  // namespace

void set_log_sink(LogSink new_sink) {
  std::lock_guard lock(sink_mutex());
  sink() = std::move(new_sink);
}

void log(LogLevel level, std::string_view message) {
  std::lock_guard lock(sink_mutex());
  if (sink()) {
    sink()(level, message);
    return;
  }
  if (level < LogLevel::Warning) return;
  engine::Log::write(level == LogLevel::Error ? engine::LogLevel::Error : engine::LogLevel::Warning,
                     "retort.kube", std::string(message));
}

}  // namespace retort::kube
