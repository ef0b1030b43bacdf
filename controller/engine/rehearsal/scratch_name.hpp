// Names of rehearsal scratch databases: `retort_rehearsal_<source>_<yyyymmdd>t<hhmmss>_<8 hex>`,
// where <source> is the source database's name folded to [a-z0-9_] and cut so the whole name
// fits PostgreSQL's 63 bytes. The prefix is deterministic, so a run finds the scratch databases
// that a killed run of the same source left behind; the suffix's exact shape is checked, so
// the prefix of source `shop` never matches a scratch database of source `shop_eu`. Pure.
#pragma once

#include <chrono>
#include <string>

namespace retort::engine::rehearsal {

inline constexpr size_t kMaxIdentifierBytes = 63;  // NAMEDATALEN - 1

// "retort_rehearsal_<folded source>_".
std::string scratchPrefix(const std::string& sourceDatabase);
// The prefix, then the UTC time and `randomHex` (8 lowercase hex digits).
std::string scratchName(const std::string& sourceDatabase,
                        std::chrono::system_clock::time_point now, const std::string& randomHex);
// True when `database` is a scratch database named by scratchName() for this source.
bool isScratchOf(const std::string& database, const std::string& sourceDatabase);

}  // namespace retort::engine::rehearsal
