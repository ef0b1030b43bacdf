// RFC 3339 times as Kubernetes writes them ("2026-12-07T05:35:37Z", fractions and offsets
// allowed) and as backup sidecars record them ("2026-12-07T05:35:37.546Z"): seconds since the
// Unix epoch, or none when the text is not that shape. Pure.
#pragma once

#include <optional>
#include <string>

namespace retort::engine {

std::optional<double> unixSeconds(const std::string& rfc3339);

}  // namespace retort::engine
