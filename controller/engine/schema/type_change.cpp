#include "engine/schema/type_change.hpp"

#include <optional>
#include <vector>

namespace retort::engine::schema {

namespace {

struct ParsedType {
  std::string base;             // "character varying", "numeric", "timestamp with time zone"
  std::vector<long> modifiers;  // (50) or (10,2); empty when unconstrained
};

// Splits "numeric(10,2)" into base and modifiers. Time types put the modifier in the middle
// ("timestamp(3) with time zone"); those are read as base "timestamp with time zone".
std::optional<ParsedType> parse(const std::string& type) {
  ParsedType parsed;
  size_t open = type.find('(');
  if (open == std::string::npos) {
    parsed.base = type;
    return parsed;
  }
  size_t close = type.find(')', open);
  if (close == std::string::npos) return std::nullopt;
  parsed.base = type.substr(0, open) + type.substr(close + 1);
  std::string inside = type.substr(open + 1, close - open - 1);
  size_t start = 0;
  while (start <= inside.size()) {
    size_t comma = inside.find(',', start);
    std::string part =
        inside.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    try {
      parsed.modifiers.push_back(std::stol(part));
    } catch (const std::exception&) {
      return std::nullopt;
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return parsed;
}

int integerRank(const std::string& base) {
  if (base == "smallint") return 1;
  if (base == "integer") return 2;
  if (base == "bigint") return 3;
  if (base == "numeric") return 4;  // unconstrained numeric holds any integer
  return 0;
}

bool isText(const std::string& base) {
  return base == "text" || base == "character varying";
}

}  // namespace

bool isWideningTypeChange(const std::string& from, const std::string& to) {
  if (from == to) return true;
  auto source = parse(from);
  auto target = parse(to);
  if (!source || !target) return false;
  // Unconstrained target of the same family: varchar(50) -> varchar, numeric(10,2) -> numeric.
  if (source->base == target->base) {
    if (target->modifiers.empty()) return true;
    if (source->modifiers.empty()) return false;
    if (source->base == "numeric") {
      long sourceScale = source->modifiers.size() > 1 ? source->modifiers[1] : 0;
      long targetScale = target->modifiers.size() > 1 ? target->modifiers[1] : 0;
      return targetScale >= sourceScale &&
             target->modifiers[0] - targetScale >= source->modifiers[0] - sourceScale;
    }
    return target->modifiers[0] >= source->modifiers[0];
  }
  if (isText(target->base) && target->modifiers.empty() &&
      (isText(source->base) || source->base == "character")) {
    return true;
  }
  if (target->base == "character varying" && source->base == "character" &&
      !source->modifiers.empty() && !target->modifiers.empty()) {
    return target->modifiers[0] >= source->modifiers[0];
  }
  int sourceRank = integerRank(source->base);
  int targetRank = integerRank(target->base);
  if (sourceRank > 0 && sourceRank < 4 && targetRank > sourceRank) {
    return targetRank < 4 || target->modifiers.empty();
  }
  if (source->base == "real" && target->base == "double precision") return true;
  if (source->base == "timestamp without time zone" && target->base == "timestamp with time zone") {
    return true;
  }
  return false;
}

}  // namespace retort::engine::schema
