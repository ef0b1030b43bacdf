// Which backup a rehearsal restores: the newest one in the backup directory that is of the
// source database, at the source's current heads (an older schema would rehearse another plan),
// and not older than the allowed age; none means a fresh backup. Also the age grammar of
// `--max-age` ("24h", "90m", "1h30m", "2d", "45s"). Pure: the caller reads the sidecars and
// checks the chosen file's sha256.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace retort::engine::rehearsal {

struct BackupCandidate {
  std::filesystem::path file;
  std::string database;
  std::vector<std::string> heads;
  std::string time;  // the sidecar's UTC time, "2026-12-07T00:46:06.123Z"
};

// Seconds in `text`: one or more <number><unit> with unit s, m, h or d; none when malformed.
std::optional<std::chrono::seconds> parseAge(const std::string& text);
// The sidecar's time; none when it is not that shape.
std::optional<std::chrono::system_clock::time_point> parseBackupTime(const std::string& text);

// Indexes into `candidates` that may be reused, newest first: same database, same heads (in
// any order), taken at most `maxAge` before `now` (and not after it: a clock that went back
// proves nothing about age).
std::vector<size_t> reusableBackups(const std::vector<BackupCandidate>& candidates,
                                    const std::string& database,
                                    const std::vector<std::string>& heads,
                                    std::chrono::system_clock::time_point now,
                                    std::chrono::seconds maxAge);

}  // namespace retort::engine::rehearsal
