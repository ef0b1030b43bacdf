// Kubernetes MicroTime: RFC 3339 in UTC with exactly six fractional digits
// ("2006-01-02T15:04:05.000000Z"), the format of Lease renewTime and Event eventTime. The API
// server rejects other precisions for these fields.
#pragma once

#include <chrono>
#include <string>

namespace retort::kube {

std::string format_micro_time(std::chrono::system_clock::time_point time);
inline std::string micro_time_now() {
  return format_micro_time(std::chrono::system_clock::now());
}

}  // namespace retort::kube
