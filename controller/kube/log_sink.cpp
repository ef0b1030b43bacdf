#include "kube/log_sink.hpp"

#include <iostream>
#include <mutex>
#include <string>

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
  std::cerr << (level == LogLevel::Error ? "retort-kube error: " : "retort-kube warning: ")
            << message << '\n';
}

}  // namespace retort::kube
