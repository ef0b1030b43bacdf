#include "operator/schema_version/wall_time.hpp"

#include <ctime>

#include "operator/schema_version/metric_values.hpp"

namespace retort::op {

std::string wallTimeText(WallTime time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::optional<WallTime> wallTimeFrom(const std::string& rfc3339) {
  const std::optional<double> seconds = unixSeconds(rfc3339);
  if (!seconds) return std::nullopt;
  return WallTime(
      std::chrono::duration_cast<WallTime::duration>(std::chrono::duration<double>(*seconds)));
}

}  // namespace retort::op
