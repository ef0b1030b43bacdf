#include "engine/rehearsal/scratch_name.hpp"

#include <cctype>
#include <ctime>

namespace retort::engine::rehearsal {
namespace {

constexpr const char* kPrefix = "retort_rehearsal_";
// "_20261207t004606_0123abcd".
constexpr size_t kSuffixBytes = 1 + 8 + 1 + 6 + 1 + 8;

std::string folded(const std::string& name) {
  std::string out;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    out += std::isalnum(u) && u < 0x80 ? static_cast<char>(std::tolower(u)) : '_';
  }
  return out;
}

// "20261207t004606_0123abcd": the shape scratchName() writes after the prefix.
bool isSuffix(const std::string& text) {
  const std::string shape = "DDDDDDDDtDDDDDD_hhhhhhhh";
  if (text.size() != shape.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool digit = c >= '0' && c <= '9';
    bool ok = shape[i] == 'D'   ? digit
              : shape[i] == 'h' ? digit || (c >= 'a' && c <= 'f')
                                : c == shape[i];
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string scratchPrefix(const std::string& sourceDatabase) {
  std::string source = folded(sourceDatabase);
  size_t room = kMaxIdentifierBytes - std::string(kPrefix).size() - kSuffixBytes;
  if (source.size() > room) source.resize(room);
  return kPrefix + source + "_";
}

std::string scratchName(const std::string& sourceDatabase,
                        std::chrono::system_clock::time_point now, const std::string& randomHex) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dt%H%M%S", &tm);
  return scratchPrefix(sourceDatabase) + stamp + "_" + randomHex.substr(0, 8);
}

bool isScratchOf(const std::string& database, const std::string& sourceDatabase) {
  std::string prefix = scratchPrefix(sourceDatabase);
  return database.size() > prefix.size() && database.compare(0, prefix.size(), prefix) == 0 &&
         isSuffix(database.substr(prefix.size()));
}

}  // namespace retort::engine::rehearsal
