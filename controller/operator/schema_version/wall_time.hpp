// Wall-clock instants as the API writes them (RFC 3339, UTC, whole seconds): maintenance
// windows and promotion soak times are about the calendar, not the controller's steady clock.
#pragma once

#include <optional>
#include <string>

#include "operator/schema_version/maintenance_window.hpp"

namespace retort::op {

std::string wallTimeText(WallTime time);
std::optional<WallTime> wallTimeFrom(const std::string& rfc3339);  // nullopt: unparsable

}  // namespace retort::op
