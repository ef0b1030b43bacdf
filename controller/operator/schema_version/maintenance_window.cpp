#include "operator/schema_version/maintenance_window.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

#include "operator/schema_version/schema_version.hpp"

namespace retort::op {
namespace {

using nlohmann::json;

// Monday first, the order of the spec's examples and of describeWindow.
constexpr std::array<const char*, 7> kDayNames = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

constexpr std::chrono::seconds kMinDuration = std::chrono::minutes(1);
// A window longer than a week would overlap its own next opening.
constexpr std::chrono::seconds kMaxDuration = std::chrono::hours(168);

const json* member(const json& object, const char* name) {
  const auto found = object.find(name);
  if (found == object.end() || found->is_null()) return nullptr;
  return &*found;
}

std::string requireString(const json& value, const std::string& path) {
  if (!value.is_string()) throw SpecError(path, "expected a string");
  return value.get<std::string>();
}

std::chrono::weekday dayFromName(const std::string& name, const std::string& path) {
  for (unsigned i = 0; i < kDayNames.size(); ++i)
    if (name == kDayNames[i]) return std::chrono::weekday((i + 1) % 7);
  throw SpecError(path,
                  "unknown day \"" + name + "\": expected Mon, Tue, Wed, Thu, Fri, Sat or Sun");
}

// Exactly HH:MM, so that "2:00" or "02:00:00" is reported rather than guessed at.
std::chrono::minutes parseStart(const std::string& text, const std::string& path) {
  const auto digit = [&](std::size_t i) {
    return std::isdigit(static_cast<unsigned char>(text[i])) != 0;
  };
  const auto invalid = [&] {
    return SpecError(path, "invalid time \"" + text + "\": expected HH:MM");
  };
  if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4))
    throw invalid();
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) throw invalid();
  return std::chrono::hours(hours) + std::chrono::minutes(minutes);
}

// The default UTC is checked too: without a time zone database (an image without
// /usr/share/zoneinfo) no window can be evaluated, and the spec is where that shows.
void requireKnownZone(const std::string& name, const std::string& path) {
  try {
    date::locate_zone(name);
  } catch (const std::runtime_error&) {
    if (date::get_tzdb().zones.empty())
      throw SpecError(path, "unknown time zone \"" + name +
                                "\": the time zone database (/usr/share/zoneinfo) is missing");
    throw SpecError(path, "unknown time zone \"" + name + "\"");
  }
}

bool opensOn(const MaintenanceWindow& window, date::weekday day) {
  if (window.days.empty()) return true;
  return std::any_of(window.days.begin(), window.days.end(),
                     [&](std::chrono::weekday d) { return d.c_encoding() == day.c_encoding(); });
}

std::string twoDigits(long long n) {
  return (n < 10 ? "0" : "") + std::to_string(n);
}

}  // namespace

std::vector<MaintenanceWindow> windowsFromJson(const json& windows, const std::string& path) {
  std::vector<MaintenanceWindow> out;
  if (windows.is_null()) return out;
  if (!windows.is_array()) throw SpecError(path, "expected a list");
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const std::string itemPath = path + "[" + std::to_string(i) + "]";
    const json& item = windows[i];
    if (!item.is_object()) throw SpecError(itemPath, "expected an object");
    MaintenanceWindow window;

    if (const json* days = member(item, "days")) {
      const std::string daysPath = itemPath + ".days";
      if (!days->is_array()) throw SpecError(daysPath, "expected a list of day names");
      std::array<bool, 7> seen{};  // by ISO number - 1, so that the result is Monday first
      for (std::size_t d = 0; d < days->size(); ++d) {
        const std::string dayPath = daysPath + "[" + std::to_string(d) + "]";
        const std::chrono::weekday day = dayFromName(requireString((*days)[d], dayPath), dayPath);
        seen[day.iso_encoding() - 1] = true;
      }
      for (unsigned d = 0; d < seen.size(); ++d)
        if (seen[d]) window.days.push_back(std::chrono::weekday((d + 1) % 7));
    }

    const json* start = member(item, "start");
    if (!start) throw SpecError(itemPath + ".start", "required");
    window.start = parseStart(requireString(*start, itemPath + ".start"), itemPath + ".start");

    const std::string durationPath = itemPath + ".duration";
    const json* duration = member(item, "duration");
    if (!duration) throw SpecError(durationPath, "required");
    window.duration = parseDuration(requireString(*duration, durationPath), durationPath);
    if (window.duration < kMinDuration) throw SpecError(durationPath, "must be at least 1m");
    if (window.duration > kMaxDuration) throw SpecError(durationPath, "must be at most 168h");

    const std::string zonePath = itemPath + ".timeZone";
    if (const json* zone = member(item, "timeZone"))
      window.timeZone = requireString(*zone, zonePath);
    requireKnownZone(window.timeZone, zonePath);
    out.push_back(std::move(window));
  }
  return out;
}

WindowState evaluateWindows(const std::vector<MaintenanceWindow>& windows, WallTime now) {
  WindowState state;
  if (windows.empty()) return state;
  state.open = false;
  state.openUntil = WallTime::min();
  const auto nowSeconds = std::chrono::floor<std::chrono::seconds>(now);
  for (const MaintenanceWindow& window : windows) {
    const date::time_zone* zone = date::locate_zone(window.timeZone);
    const date::local_days today = date::floor<date::days>(zone->to_local(nowSeconds));
    // Far enough back for an opening that is still open (the longest lasts 168h, and a day may
    // be 23h long), far enough ahead for the next opening of a window on one day a week.
    const auto lookBack = date::days(std::chrono::ceil<date::days>(window.duration).count() + 1);
    for (date::local_days day = today - lookBack; day <= today + date::days(8);
         day += date::days(1)) {
      if (!opensOn(window, date::weekday(day))) continue;
      // choose::earliest: the first of two occurrences; a time in a gap maps to the instant
      // the gap ends, whichever is chosen.
      const date::sys_seconds opens = zone->to_sys(day + window.start, date::choose::earliest);
      const date::sys_seconds closes = opens + window.duration;
      if (opens <= now && now < closes) {
        state.open = true;
        state.openUntil = std::max(state.openUntil, WallTime(closes));
      }
      if (opens > now) state.nextStart = std::min(state.nextStart, WallTime(opens));
    }
  }
  if (!state.open) state.openUntil = WallTime::min();
  return state;
}

std::string describeWindow(const MaintenanceWindow& window) {
  std::string out;
  if (window.days.empty()) {
    out = "daily";
  } else {
    for (const std::chrono::weekday day : window.days) {
      if (!out.empty()) out += ",";
      out += kDayNames[day.iso_encoding() - 1];
    }
  }
  const auto minutes = window.start.count();
  out += " " + twoDigits(minutes / 60) + ":" + twoDigits(minutes % 60);
  out += "+" + formatDuration(window.duration) + " " + window.timeZone;
  return out;
}

}  // namespace retort::op
