// The log fields that name a SchemaVersion: every controller log line about one carries
// namespace= and name= (from its work-queue key "namespace/name"), so a log pipeline can filter
// one object's history. Lines go through the engine's one logger (engine/util/log.hpp); the
// logger name for controller lines is kControllerLogger. Never put a database URL in a field.
#pragma once

#include <string>

#include "engine/util/log.hpp"

namespace retort::op {

inline constexpr const char* kControllerLogger = "retort.controller";

// {{"namespace", ...}, {"name", ...}} from "namespace/name" (a key without '/' is a name).
inline engine::LogFields keyLogFields(const std::string& key) {
  const auto slash = key.find('/');
  if (slash == std::string::npos) return {{"namespace", ""}, {"name", key}};
  return {{"namespace", key.substr(0, slash)}, {"name", key.substr(slash + 1)}};
}

}  // namespace retort::op
