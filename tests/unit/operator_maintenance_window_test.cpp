// Maintenance windows: parsing spec.windows, and whether one is open at a fixed instant (never
// the wall clock), in UTC and in zones with daylight saving time.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "operator/schema_version/maintenance_window.hpp"
#include "operator/schema_version/schema_version.hpp"

namespace retort::op {
namespace {

using nlohmann::json;
using std::chrono::Friday;
using std::chrono::Saturday;
using std::chrono::Sunday;

// An instant in UTC. 2026-03-04 is a Wednesday, 2026-03-07 a Saturday.
WallTime utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0) {
  return std::chrono::sys_days{std::chrono::year{year} / month / day} + std::chrono::hours(hour) +
         std::chrono::minutes(minute);
}

std::vector<MaintenanceWindow> windows(const json& spec) {
  return windowsFromJson(spec);
}

std::string specErrorOf(const json& spec) {
  try {
    windowsFromJson(spec);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "no error";
}

TEST(OperatorMaintenanceWindow, NoWindowsIsAlwaysOpen) {
  const WindowState state = evaluateWindows({}, utc(2026, 3, 4, 12));
  EXPECT_TRUE(state.open);
  EXPECT_EQ(state.openUntil, WallTime::max());
  EXPECT_EQ(state.nextStart, WallTime::max());
  EXPECT_TRUE(windows(json()).empty());
  EXPECT_TRUE(windows(json::array()).empty());
}

TEST(OperatorMaintenanceWindow, ParsesAWindowAndDefaultsToEveryDayInUtc) {
  const auto parsed = windows(json::parse(R"([{"start": "02:00", "duration": "2h"}])"));
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_TRUE(parsed[0].days.empty());
  EXPECT_EQ(parsed[0].start, std::chrono::hours(2));
  EXPECT_EQ(parsed[0].duration, std::chrono::hours(2));
  EXPECT_EQ(parsed[0].timeZone, "UTC");
  EXPECT_EQ(describeWindow(parsed[0]), "daily 02:00+2h UTC");

  const auto listed = windows(json::parse(
      R"([{"days": ["Sun", "Sat", "Sun"], "start": "23:05", "duration": "90m",
           "timeZone": "Europe/Berlin"}])"));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].days, (std::vector<std::chrono::weekday>{Saturday, Sunday}));
  EXPECT_EQ(listed[0].start, std::chrono::hours(23) + std::chrono::minutes(5));
  EXPECT_EQ(listed[0].duration, std::chrono::minutes(90));
  EXPECT_EQ(describeWindow(listed[0]), "Sat,Sun 23:05+1h30m Europe/Berlin");
}

TEST(OperatorMaintenanceWindow, EveryDayOpensAndClosesAtTheBoundaries) {
  const auto daily = windows(json::parse(R"([{"start": "02:00", "duration": "2h"}])"));

  WindowState state = evaluateWindows(daily, utc(2026, 3, 4, 1, 59));
  EXPECT_FALSE(state.open);
  EXPECT_EQ(state.nextStart, utc(2026, 3, 4, 2));

  state = evaluateWindows(daily, utc(2026, 3, 4, 2));
  EXPECT_TRUE(state.open);
  EXPECT_EQ(state.openUntil, utc(2026, 3, 4, 4));
  EXPECT_EQ(state.nextStart, utc(2026, 3, 5, 2));

  // The end is exclusive.
  state = evaluateWindows(daily, utc(2026, 3, 4, 4));
  EXPECT_FALSE(state.open);
  EXPECT_EQ(state.nextStart, utc(2026, 3, 5, 2));
}

TEST(OperatorMaintenanceWindow, ListedDaysOnly) {
  const auto weekend =
      windows(json::parse(R"([{"days": ["Sat", "Sun"], "start": "02:00", "duration": "2h"}])"));

  WindowState state = evaluateWindows(weekend, utc(2026, 3, 4, 3));  // Wednesday
  EXPECT_FALSE(state.open);
  EXPECT_EQ(state.nextStart, utc(2026, 3, 7, 2));

  state = evaluateWindows(weekend, utc(2026, 3, 8, 2, 30));  // Sunday
  EXPECT_TRUE(state.open);
  EXPECT_EQ(state.openUntil, utc(2026, 3, 8, 4));

  // After Sunday's window: the next is a week later, on Saturday.
  state = evaluateWindows(weekend, utc(2026, 3, 8, 5));
  EXPECT_FALSE(state.open);
  EXPECT_EQ(state.nextStart, utc(2026, 3, 14, 2));
}

TEST(OperatorMaintenanceWindow, AWindowCrossingMidnightBelongsToTheDayItOpens) {
  const auto saturdayNight =
      windows(json::parse(R"([{"days": ["Sat"], "start": "23:00", "duration": "3h"}])"));

  WindowState state = evaluateWindows(saturdayNight, utc(2026, 3, 7, 22));
  EXPECT_FALSE(state.open);
  EXPECT_EQ(state.nextStart, utc(2026, 3, 7, 23));

  // Sunday 01:00: opened on Saturday, still open.
  state = evaluateWindows(saturdayNight, utc(2026, 3, 8, 1));
  EXPECT_TRUE(state.open);
  EXPECT_EQ(state.openUntil, utc(2026, 3, 8, 2));
  EXPECT_EQ(state.nextStart, utc(2026, 3, 14, 23));

  state = evaluateWindows(saturdayNight, utc(2026, 3, 8, 2));
  EXPECT_FALSE(state.open);
  EXPECT_EQ(state.nextStart, utc(2026, 3, 14, 23));

  // A Sunday window does not open late on Saturday.
  const auto sundayNight =
      windows(json::parse(R"([{"days": ["Sun"], "start": "23:00", "duration": "3h"}])"));
  state = evaluateWindows(sundayNight, utc(2026, 3, 7, 23, 30));
  EXPECT_FALSE(state.open);
  EXPECT_EQ(state.nextStart, utc(2026, 3, 8, 23));
  // Tuesday: the next opening is next Sunday, across the week.
  state = evaluateWindows(sundayNight, utc(2026, 3, 10, 12));
  EXPECT_FALSE(state.open);
  EXPECT_EQ(state.nextStart, utc(2026, 3, 15, 23));
}

TEST(OperatorMaintenanceWindow, MultipleWindowsOpenIfAnyIsOpenAndNextIsTheEarliest) {
  const auto both = windows(json::parse(R"([
      {"start": "02:00", "duration": "1h"},
      {"days": ["Sat"], "start": "01:00", "duration": "4h"}])"));

  // Both open on Saturday at 02:30: open until the later end.
  WindowState state = evaluateWindows(both, utc(2026, 3, 7, 2, 30));
  EXPECT_TRUE(state.open);
  EXPECT_EQ(state.openUntil, utc(2026, 3, 7, 5));

  // Saturday 04:00: only the second is open.
  state = evaluateWindows(both, utc(2026, 3, 7, 4));
  EXPECT_TRUE(state.open);
  EXPECT_EQ(state.openUntil, utc(2026, 3, 7, 5));

  // Wednesday noon: the daily window is next.
  state = evaluateWindows(both, utc(2026, 3, 4, 12));
  EXPECT_FALSE(state.open);
  EXPECT_EQ(state.nextStart, utc(2026, 3, 5, 2));

  // Friday noon: Saturday's 01:00 comes before the daily 02:00.
  state = evaluateWindows(both, utc(2026, 3, 6, 12));
  EXPECT_FALSE(state.open);
  EXPECT_EQ(state.nextStart, utc(2026, 3, 7, 1));
}

TEST(OperatorMaintenanceWindow, BerlinSpringForwardGapOpensWhenTheClocksJump) {
  // 2026-03-29 02:00 CET jumps to 03:00 CEST (01:00 UTC): 02:30 does not exist that day.
  const auto sunday = windows(json::parse(
      R"([{"days": ["Sun"], "start": "02:30", "duration": "1h", "timeZone": "Europe/Berlin"}])"));

  WindowState state = evaluateWindows(sunday, utc(2026, 3, 29, 0, 59));
  EXPECT_FALSE(state.open);
  EXPECT_EQ(state.nextStart, utc(2026, 3, 29, 1));

  // Open from 03:00 CEST for one hour of real time.
  state = evaluateWindows(sunday, utc(2026, 3, 29, 1));
  EXPECT_TRUE(state.open);
  EXPECT_EQ(state.openUntil, utc(2026, 3, 29, 2));
  state = evaluateWindows(sunday, utc(2026, 3, 29, 2));
  EXPECT_FALSE(state.open);
  // The next Sunday, 02:30 CEST.
  EXPECT_EQ(state.nextStart, utc(2026, 4, 5, 0, 30));

  // The Sunday before, 02:30 CET.
  state = evaluateWindows(sunday, utc(2026, 3, 22));
  EXPECT_EQ(state.nextStart, utc(2026, 3, 22, 1, 30));
}

TEST(OperatorMaintenanceWindow, BerlinFallBackRepeatedHourOpensOnceAtTheFirst) {
  // 2026-10-25 03:00 CEST falls back to 02:00 CET (01:00 UTC): 02:30 happens twice, at 00:30
  // and 01:30 UTC.
  const auto sunday = windows(json::parse(
      R"([{"days": ["Sun"], "start": "02:30", "duration": "30m", "timeZone": "Europe/Berlin"}])"));

  WindowState state = evaluateWindows(sunday, utc(2026, 10, 25));
  EXPECT_FALSE(state.open);
  EXPECT_EQ(state.nextStart, utc(2026, 10, 25, 0, 30));

  state = evaluateWindows(sunday, utc(2026, 10, 25, 0, 45));
  EXPECT_TRUE(state.open);
  EXPECT_EQ(state.openUntil, utc(2026, 10, 25, 1));

  // The second 02:30 does not open it again.
  state = evaluateWindows(sunday, utc(2026, 10, 25, 1, 30));
  EXPECT_FALSE(state.open);
  EXPECT_EQ(state.nextStart, utc(2026, 11, 1, 1, 30));  // 02:30 CET
}

TEST(OperatorMaintenanceWindow, TheDurationIsElapsedTimeAcrossADstChange) {
  const auto saturdayNight = windows(json::parse(
      R"([{"days": ["Sat"], "start": "22:00", "duration": "6h", "timeZone": "Europe/Berlin"}])"));

  // Spring: Saturday 22:00 CET (21:00 UTC) plus 6h is 03:00 UTC, 05:00 CEST, not 04:00 local.
  WindowState state = evaluateWindows(saturdayNight, utc(2026, 3, 29, 2, 59));
  EXPECT_TRUE(state.open);
  EXPECT_EQ(state.openUntil, utc(2026, 3, 29, 3));
  EXPECT_FALSE(evaluateWindows(saturdayNight, utc(2026, 3, 29, 3)).open);

  // Autumn: Saturday 22:00 CEST (20:00 UTC) plus 6h is 02:00 UTC, 03:00 CET.
  state = evaluateWindows(saturdayNight, utc(2026, 10, 24, 20));
  EXPECT_TRUE(state.open);
  EXPECT_EQ(state.openUntil, utc(2026, 10, 25, 2));
  EXPECT_FALSE(evaluateWindows(saturdayNight, utc(2026, 10, 25, 2)).open);
}

TEST(OperatorMaintenanceWindow, NewYorkDaysAreLocalDaysAndFollowItsDst) {
  // DST starts there on 2026-03-08: 09:00 is 14:00 UTC before, 13:00 UTC after.
  const auto mornings = windows(
      json::parse(R"([{"start": "09:00", "duration": "1h", "timeZone": "America/New_York"}])"));
  WindowState state = evaluateWindows(mornings, utc(2026, 3, 6, 14, 30));
  EXPECT_TRUE(state.open);
  EXPECT_EQ(state.openUntil, utc(2026, 3, 6, 15));
  state = evaluateWindows(mornings, utc(2026, 3, 9, 13, 30));
  EXPECT_TRUE(state.open);
  EXPECT_EQ(state.openUntil, utc(2026, 3, 9, 14));
  state = evaluateWindows(mornings, utc(2026, 3, 9, 14, 30));
  EXPECT_FALSE(state.open);
  EXPECT_EQ(state.nextStart, utc(2026, 3, 10, 13));

  // Friday 20:00 EST is Saturday 01:00 UTC: still Friday's window.
  const auto friday = windows(json::parse(
      R"([{"days": ["Fri"], "start": "20:00", "duration": "2h", "timeZone": "America/New_York"}])"));
  EXPECT_EQ(friday[0].days, std::vector<std::chrono::weekday>{Friday});
  state = evaluateWindows(friday, utc(2026, 3, 7, 2));
  EXPECT_TRUE(state.open);
  EXPECT_EQ(state.openUntil, utc(2026, 3, 7, 3));
  // The next Friday is in EDT: 20:00 is 00:00 UTC on Saturday.
  EXPECT_EQ(state.nextStart, utc(2026, 3, 14, 0));
}

TEST(OperatorMaintenanceWindow, ParseErrorsNameTheField) {
  EXPECT_EQ(specErrorOf(json::object()), "spec.windows: expected a list");
  EXPECT_EQ(specErrorOf(json::parse(R"(["02:00"])")), "spec.windows[0]: expected an object");
  EXPECT_EQ(specErrorOf(json::parse(R"([{"start": "02:00", "duration": "1h"},
                                         {"start": "25:00", "duration": "1h"}])")),
            "spec.windows[1].start: invalid time \"25:00\": expected HH:MM");
  EXPECT_EQ(specErrorOf(json::parse(R"([{"start": "2:00", "duration": "1h"}])")),
            "spec.windows[0].start: invalid time \"2:00\": expected HH:MM");
  EXPECT_EQ(specErrorOf(json::parse(R"([{"start": "12:60", "duration": "1h"}])")),
            "spec.windows[0].start: invalid time \"12:60\": expected HH:MM");
  EXPECT_EQ(specErrorOf(json::parse(R"([{"start": 200, "duration": "1h"}])")),
            "spec.windows[0].start: expected a string");
  EXPECT_EQ(specErrorOf(json::parse(R"([{"duration": "1h"}])")), "spec.windows[0].start: required");
  EXPECT_EQ(specErrorOf(json::parse(R"([{"start": "02:00"}])")),
            "spec.windows[0].duration: required");
  EXPECT_EQ(specErrorOf(json::parse(R"([{"start": "02:00", "duration": "2d"}])")),
            "spec.windows[0].duration: invalid duration \"2d\": units are h, m and s");
  EXPECT_EQ(specErrorOf(json::parse(R"([{"start": "02:00", "duration": "59s"}])")),
            "spec.windows[0].duration: must be at least 1m");
  EXPECT_EQ(specErrorOf(json::parse(R"([{"start": "02:00", "duration": "168h1m"}])")),
            "spec.windows[0].duration: must be at most 168h");
  EXPECT_EQ(specErrorOf(json::parse(R"([{"days": "Sat", "start": "02:00", "duration": "1h"}])")),
            "spec.windows[0].days: expected a list of day names");
  EXPECT_EQ(specErrorOf(json::parse(
                R"([{"days": ["Sat", "Sunday"], "start": "02:00", "duration": "1h"}])")),
            "spec.windows[0].days[1]: unknown day \"Sunday\": expected Mon, Tue, Wed, Thu, Fri, "
            "Sat or Sun");
  EXPECT_EQ(specErrorOf(json::parse(
                R"([{"start": "02:00", "duration": "1h", "timeZone": "Mars/Olympus"}])")),
            "spec.windows[0].timeZone: unknown time zone \"Mars/Olympus\"");
  EXPECT_EQ(specErrorOf(json::parse(R"([{"start": "02:00", "duration": "1h", "timeZone": ""}])")),
            "spec.windows[0].timeZone: unknown time zone \"\"");
}

TEST(OperatorMaintenanceWindow, AWeekLongWindowOpenedDaysAgoIsStillOpen) {
  const auto week = windows(json::parse(
      R"([{"days": ["Mon"], "start": "00:00", "duration": "168h", "timeZone": "Europe/Berlin"}])"));
  // Opened Monday 2026-03-02 00:00 CET (Sunday 23:00 UTC); the next opens as it closes.
  const WindowState state = evaluateWindows(week, utc(2026, 3, 8, 22));
  EXPECT_TRUE(state.open);
  EXPECT_EQ(state.openUntil, utc(2026, 3, 8, 23));
  EXPECT_EQ(state.nextStart, utc(2026, 3, 8, 23));
}

}  // namespace
}  // namespace retort::op
