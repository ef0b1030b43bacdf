// Maintenance windows (a SchemaVersion's spec.windows): when a migration may start. With no
// windows a migration may start at any time; with windows, only while at least one is open. A
// window opens on each of its days (every day when `days` is empty), named in the calendar of
// its IANA time zone (default UTC), at the local time `start`, and stays open for `duration` of
// elapsed real time, so it may run past midnight (it belongs to the day it opens on) and across
// a DST change (a 6h window opened at 22:00 the night clocks go forward closes at 05:00 local).
// A start time that does not exist locally (the spring-forward gap) opens the window at the end
// of the gap, the instant the clocks jump (02:30 in Europe/Berlin on 2026-03-29 opens at 03:00
// CEST, 01:00 UTC; date::choose semantics, not "03:30"); one that occurs twice (fall back)
// opens it once, at the earlier occurrence. Times are wall-clock system_clock time points, never
// the controller's steady TimePoint: windows are about the calendar. Pure apart from reading the
// time zone database (/usr/share/zoneinfo, through Howard Hinnant's date library).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace retort::op {

using WallTime = std::chrono::system_clock::time_point;

struct MaintenanceWindow {
  // Monday first, no duplicates; empty means every day.
  std::vector<std::chrono::weekday> days;
  std::chrono::minutes start{0};     // local time of day, in [00:00, 24:00)
  std::chrono::seconds duration{0};  // in [1m, 168h]
  std::string timeZone = "UTC";

  bool operator==(const MaintenanceWindow&) const = default;
};

// spec.windows: a list of {days, start, duration, timeZone}; null is no windows. Throws
// SpecError naming the field, e.g. "spec.windows[1].start: invalid time \"25:00\": expected
// HH:MM" or "spec.windows[0].timeZone: unknown time zone \"Mars/Olympus\"".
std::vector<MaintenanceWindow> windowsFromJson(const nlohmann::json& windows,
                                               const std::string& path = "spec.windows");

struct WindowState {
  bool open = true;
  // While open: the end of the open window that ends last (another window may open before
  // then and keep it open longer: evaluate again at this time). WallTime::max() with no
  // windows, WallTime::min() while closed.
  WallTime openUntil = WallTime::max();
  // The earliest opening of any window after now, also while open; WallTime::max() with no
  // windows.
  WallTime nextStart = WallTime::max();
};

// Throws std::runtime_error for a time zone the database does not know (windowsFromJson has
// checked every zone it returns) or when there is no time zone database.
WindowState evaluateWindows(const std::vector<MaintenanceWindow>& windows, WallTime now);

// For status messages and events: "Sat,Sun 02:00+2h Europe/Berlin", "daily 23:00+1h30m UTC".
std::string describeWindow(const MaintenanceWindow& window);

}  // namespace retort::op
