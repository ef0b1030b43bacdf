#include "engine/sql/type_name.hpp"

#include <map>
#include <vector>

#include "engine/sql/parse_tree.hpp"
#include "engine/util/text.hpp"

namespace retort::engine::sql {

namespace {

// How format_type() prints a built-in type's modifiers.
enum class Modifiers {
  None,          // no modifiers allowed: "integer"
  Length,        // "character varying(50)"
  Numeric,       // "numeric(10,2)"; numeric(10) is numeric(10,0)
  Precision,     // "timestamp(3) without time zone": the modifier goes after the first word
  Unrenderable,  // interval: its modifier encodes fields this renderer does not print
};

struct BuiltinType {
  std::string name;  // without modifiers
  Modifiers modifiers;
  std::string bareName = "";  // when no modifier is given and the name then differs (bpchar)
};

const std::map<std::string, BuiltinType>& builtinTypes() {
  static const std::map<std::string, BuiltinType> kTypes = {
      {"int2", {"smallint", Modifiers::None}},
      {"int4", {"integer", Modifiers::None}},
      {"int8", {"bigint", Modifiers::None}},
      {"float4", {"real", Modifiers::None}},
      {"float8", {"double precision", Modifiers::None}},
      {"bool", {"boolean", Modifiers::None}},
      {"numeric", {"numeric", Modifiers::Numeric}},
      {"varchar", {"character varying", Modifiers::Length}},
      {"bpchar", {"character", Modifiers::Length, "bpchar"}},
      {"bit", {"bit", Modifiers::Length}},
      {"varbit", {"bit varying", Modifiers::Length}},
      {"timestamp", {"timestamp without time zone", Modifiers::Precision}},
      {"timestamptz", {"timestamp with time zone", Modifiers::Precision}},
      {"time", {"time without time zone", Modifiers::Precision}},
      {"timetz", {"time with time zone", Modifiers::Precision}},
      {"interval", {"interval", Modifiers::Unrenderable}},
      {"char", {"\"char\"", Modifiers::None}},
      {"text", {"text", Modifiers::None}},
      {"uuid", {"uuid", Modifiers::None}},
      {"json", {"json", Modifiers::None}},
      {"jsonb", {"jsonb", Modifiers::None}},
      {"jsonpath", {"jsonpath", Modifiers::None}},
      {"bytea", {"bytea", Modifiers::None}},
      {"date", {"date", Modifiers::None}},
      {"inet", {"inet", Modifiers::None}},
      {"cidr", {"cidr", Modifiers::None}},
      {"macaddr", {"macaddr", Modifiers::None}},
      {"macaddr8", {"macaddr8", Modifiers::None}},
      {"money", {"money", Modifiers::None}},
      {"tsvector", {"tsvector", Modifiers::None}},
      {"tsquery", {"tsquery", Modifiers::None}},
      {"xml", {"xml", Modifiers::None}},
      {"oid", {"oid", Modifiers::None}},
      {"name", {"name", Modifiers::None}},
      {"point", {"point", Modifiers::None}},
      {"line", {"line", Modifiers::None}},
      {"lseg", {"lseg", Modifiers::None}},
      {"box", {"box", Modifiers::None}},
      {"path", {"path", Modifiers::None}},
      {"polygon", {"polygon", Modifiers::None}},
      {"circle", {"circle", Modifiers::None}},
      {"int4range", {"int4range", Modifiers::None}},
      {"int8range", {"int8range", Modifiers::None}},
      {"numrange", {"numrange", Modifiers::None}},
      {"tsrange", {"tsrange", Modifiers::None}},
      {"tstzrange", {"tstzrange", Modifiers::None}},
      {"daterange", {"daterange", Modifiers::None}},
      {"pg_lsn", {"pg_lsn", Modifiers::None}},
  };
  return kTypes;
}

// The name without pg_catalog (and public), as written.
std::vector<std::string> significantNames(const nlohmann::json& typeName) {
  std::vector<std::string> names = stringsOf(typeName.value("names", nlohmann::json::array()));
  if (names.size() == 2 && (names[0] == "pg_catalog" || names[0] == "public")) {
    names.erase(names.begin());
  }
  return names;
}

std::optional<std::vector<std::string>> modifierValues(const nlohmann::json& typeName,
                                                       std::string_view sql) {
  std::vector<std::string> values;
  for (const nlohmann::json& modifier : typeName.value("typmods", nlohmann::json::array())) {
    if (!modifier.contains("A_Const")) return std::nullopt;
    std::optional<std::string> value = integerLiteral(modifier["A_Const"], sql);
    if (!value) return std::nullopt;
    values.push_back(*value);
  }
  return values;
}

}  // namespace

std::optional<std::string> serialColumnType(const std::string& name) {
  static const std::map<std::string, std::string> kSerials = {
      {"smallserial", "smallint"}, {"serial2", "smallint"}, {"serial", "integer"},
      {"serial4", "integer"},      {"bigserial", "bigint"}, {"serial8", "bigint"},
  };
  auto serial = kSerials.find(name);
  if (serial == kSerials.end()) return std::nullopt;
  return serial->second;
}

std::optional<std::string> formatBuiltinType(const nlohmann::json& typeName, std::string_view sql) {
  if (typeName.value("setof", false) || typeName.value("pct_type", false)) return std::nullopt;
  std::vector<std::string> names = stringsOf(typeName.value("names", nlohmann::json::array()));
  if (names.size() == 2 && names[0] == "pg_catalog") names.erase(names.begin());
  if (names.size() != 1) return std::nullopt;
  auto builtin = builtinTypes().find(names[0]);
  if (builtin == builtinTypes().end()) return std::nullopt;
  const BuiltinType& type = builtin->second;
  std::optional<std::vector<std::string>> modifiers = modifierValues(typeName, sql);
  if (!modifiers) return std::nullopt;

  std::string text;
  if (modifiers->empty()) {
    text = type.bareName.empty() ? type.name : type.bareName;
  } else {
    switch (type.modifiers) {
      case Modifiers::None:
      case Modifiers::Unrenderable:
        return std::nullopt;
      case Modifiers::Length:
        if (modifiers->size() != 1) return std::nullopt;
        text = type.name + "(" + modifiers->front() + ")";
        break;
      case Modifiers::Numeric:
        if (modifiers->size() > 2) return std::nullopt;
        if (modifiers->size() == 1) modifiers->push_back("0");
        text = type.name + "(" + join(*modifiers, ",") + ")";
        break;
      case Modifiers::Precision: {
        if (modifiers->size() != 1) return std::nullopt;
        size_t space = type.name.find(' ');
        text =
            type.name.substr(0, space) + "(" + modifiers->front() + ")" + type.name.substr(space);
        break;
      }
    }
  }
  if (typeName.contains("arrayBounds")) text += "[]";
  return text;
}

std::string formatTypeName(const nlohmann::json& typeName, std::string_view sql) {
  if (std::optional<std::string> builtin = formatBuiltinType(typeName, sql)) return *builtin;
  std::string text;
  for (const std::string& name : significantNames(typeName)) {
    text += (text.empty() ? "" : ".") + name;
  }
  if (std::optional<std::string> serial = serialColumnType(text)) return *serial;
  std::optional<std::vector<std::string>> modifiers = modifierValues(typeName, sql);
  if (modifiers && !modifiers->empty()) text += "(" + join(*modifiers, ",") + ")";
  if (typeName.contains("arrayBounds")) text += "[]";
  return text;
}

}  // namespace retort::engine::sql
