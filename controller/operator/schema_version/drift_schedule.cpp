#include "operator/schema_version/drift_schedule.hpp"

#include <cstdint>

namespace retort::op {

Duration firstDriftCheckOffset(const std::string& key, Duration interval) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(interval).count();
  if (millis <= 0) return Duration::zero();
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a, 64 bit
  for (const unsigned char c : key) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(hash % static_cast<std::uint64_t>(millis)));
}

}  // namespace retort::op
