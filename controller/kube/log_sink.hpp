// Where the client's background machinery (informers, leader election, event recording) reports
// what it cannot throw to a caller. By default warnings and errors go to Retort's one logger
// (engine/util/log.hpp, logger name "retort.kube", in its text, logfmt or JSON format); the
// operator installs its own sink to route them into its structured log. Messages never carry
// credentials.
#pragma once

#include <functional>
#include <string_view>

namespace retort::kube {

enum class LogLevel { Debug, Info, Warning, Error };

using LogSink = std::function<void(LogLevel, std::string_view)>;

// Replaces the sink; thread-safe. An empty function restores the default.
void set_log_sink(LogSink sink);
void log(LogLevel level, std::string_view message);

}  // namespace retort::kube
