// Where the metrics' text exposition goes, piece by piece: the /metrics connection
// (http_endpoints.hpp) or, in the tests, a string. Writers call it as often as they like.
#pragma once

#include <functional>
#include <string_view>

namespace retort::op {

using MetricsSink = std::function<void(std::string_view text)>;

}  // namespace retort::op
