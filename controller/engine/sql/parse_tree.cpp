#include "engine/sql/parse_tree.hpp"

#include <cctype>

namespace retort::engine::sql {

std::string stringOf(const nlohmann::json& node) {
  auto string = node.find("String");
  if (string == node.end()) return "";
  return string->value("sval", "");
}

nlohmann::json stringNode(const std::string& value) {
  return nlohmann::json{{"String", {{"sval", value}}}};
}

std::vector<std::string> stringsOf(const nlohmann::json& list) {
  std::vector<std::string> values;
  if (!list.is_array()) return values;
  for (const nlohmann::json& item : list) values.push_back(stringOf(item));
  return values;
}

std::optional<std::string> integerLiteral(const nlohmann::json& aConst, std::string_view sql) {
  if (!aConst.contains("ival")) return std::nullopt;
  const nlohmann::json& value = aConst["ival"];
  if (value.contains("ival") && value["ival"].get<long long>() > 0) {
    return std::to_string(value["ival"].get<long long>());
  }
  // Zero or negative: the JSON dropped the value, so read `-digits` or `digits` at the location
  // (the parser folds `- 1` into one constant, so blanks may follow the sign).
  size_t at = aConst.value("location", size_t{0});
  if (at >= sql.size()) return std::nullopt;
  bool negative = sql[at] == '-';
  size_t end = negative ? at + 1 : at;
  while (negative && end < sql.size() && std::isspace(static_cast<unsigned char>(sql[end]))) ++end;
  if (end >= sql.size() || !std::isdigit(static_cast<unsigned char>(sql[end]))) return std::nullopt;
  while (end < sql.size() && sql[end] == '0') ++end;
  size_t digits = end;
  while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end]))) ++end;
  if (end == digits) return std::string("0");
  return (negative ? "-" : "") + std::string(sql.substr(digits, end - digits));
}

}  // namespace retort::engine::sql
