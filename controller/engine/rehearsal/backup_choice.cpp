#include "engine/rehearsal/backup_choice.hpp"

#include <algorithm>

#include "engine/util/rfc3339.hpp"

namespace retort::engine::rehearsal {

std::optional<std::chrono::seconds> parseAge(const std::string& text) {
  if (text.empty()) return std::nullopt;
  long long total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t digits = i;
    long long number = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
      number = number * 10 + (text[digits] - '0');
      if (number > 1'000'000'000) return std::nullopt;
      ++digits;
    }
    if (digits == i || digits == text.size()) return std::nullopt;
    long long unit = text[digits] == 's'   ? 1
                     : text[digits] == 'm' ? 60
                     : text[digits] == 'h' ? 3600
                     : text[digits] == 'd' ? 86400
                                           : 0;
    if (unit == 0) return std::nullopt;
    total += number * unit;
    i = digits + 1;
  }
  return std::chrono::seconds(total);
}

std::optional<std::chrono::system_clock::time_point> parseBackupTime(const std::string& text) {
  const std::optional<double> seconds = unixSeconds(text);
  if (!seconds) return std::nullopt;
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::duration<double>(*seconds)));
}

std::vector<size_t> reusableBackups(const std::vector<BackupCandidate>& candidates,
                                    const std::string& database,
                                    const std::vector<std::string>& heads,
                                    std::chrono::system_clock::time_point now,
                                    std::chrono::seconds maxAge) {
  std::vector<std::string> wanted = heads;
  std::sort(wanted.begin(), wanted.end());
  std::vector<std::pair<std::chrono::system_clock::time_point, size_t>> fit;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const BackupCandidate& c = candidates[i];
    std::vector<std::string> have = c.heads;
    std::sort(have.begin(), have.end());
    std::optional<std::chrono::system_clock::time_point> time = parseBackupTime(c.time);
    if (c.database != database || have != wanted || !time) continue;
    if (*time > now || now - *time > maxAge) continue;
    fit.emplace_back(*time, i);
  }
  std::sort(fit.begin(), fit.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<size_t> out;
  for (const auto& [time, index] : fit) out.push_back(index);
  return out;
}

}  // namespace retort::engine::rehearsal
