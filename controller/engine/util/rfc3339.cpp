#include "engine/util/rfc3339.hpp"

#include <cstdio>
#include <ctime>

namespace retort::engine {

std::optional<double> unixSeconds(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0;
  double second = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6)
    return std::nullopt;
  std::tm utc{};
  utc.tm_year = year - 1900;
  utc.tm_mon = month - 1;
  utc.tm_mday = day;
  utc.tm_hour = hour;
  utc.tm_min = minute;
  double seconds = static_cast<double>(timegm(&utc)) + second;
  const std::string zone = text.substr(static_cast<std::size_t>(consumed));
  int offsetHours = 0, offsetMinutes = 0;
  if (zone == "Z" || zone == "z") return seconds;
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') &&
      std::sscanf(zone.c_str() + 1, "%2d:%2d", &offsetHours, &offsetMinutes) == 2) {
    const double offset = offsetHours * 3600.0 + offsetMinutes * 60.0;
    return zone[0] == '+' ? seconds - offset : seconds + offset;
  }
  return std::nullopt;
}

}  // namespace retort::engine
