// When a SchemaVersion's first drift check runs: at a fixed offset into its interval, derived
// from a hash of its key, so that after a restart 1,000 objects with a 5-minute interval are
// read about three per second rather than all at once, and the same object always lands on the
// same offset (no thundering herd, no randomness in tests). Pure.
#pragma once

#include <string>

#include "operator/runtime/clock.hpp"

namespace retort::op {

// In [0, interval); 0 for a non-positive interval. FNV-1a of the key, in milliseconds.
Duration firstDriftCheckOffset(const std::string& key, Duration interval);

}  // namespace retort::op
