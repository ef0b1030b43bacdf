#include "engine/schema/generated_names.hpp"

#include <algorithm>

namespace retort::engine::schema {

namespace {

constexpr size_t kMaxNameBytes = 63;  // NAMEDATALEN - 1

bool isAscii(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (static_cast<unsigned char>(c) & 0x80) == 0; });
}

}  // namespace

std::optional<std::string> generatedName(const std::string& name1, const std::string& name2,
                                         const std::string& label) {
  size_t overhead = 0;
  if (!name2.empty()) ++overhead;  // the "_" before name2
  if (!label.empty()) overhead += label.size() + 1;
  size_t available = kMaxNameBytes - overhead;
  size_t name1Bytes = name1.size();
  size_t name2Bytes = name2.size();
  while (name1Bytes + name2Bytes > available) {
    if (name1Bytes > name2Bytes) {
      --name1Bytes;
    } else {
      --name2Bytes;
    }
  }
  bool shortened = name1Bytes < name1.size() || name2Bytes < name2.size();
  if (shortened && !(isAscii(name1) && isAscii(name2))) return std::nullopt;
  std::string name = name1.substr(0, name1Bytes);
  if (!name2.empty()) name += "_" + name2.substr(0, name2Bytes);
  if (!label.empty()) name += "_" + label;
  return name;
}

std::string columnsNamePart(const std::vector<std::string>& columns) {
  std::string part;
  for (const std::string& column : columns) {
    if (!part.empty()) part += '_';
    part += column.substr(0, kMaxNameBytes);
    if (part.size() >= kMaxNameBytes + 1) break;
  }
  return part;
}

}  // namespace retort::engine::schema
