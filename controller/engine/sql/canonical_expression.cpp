#include "engine/sql/canonical_expression.hpp"

#include <charconv>
#include <set>
#include <string>

#include "engine/sql/parse_tree.hpp"
#include "engine/sql/type_name.hpp"

namespace retort::engine::sql {

namespace {

using nlohmann::json;

json constant(const json& aConst, std::string_view sql) {
  if (aConst.value("isnull", false)) return json{{"null", true}};
  if (aConst.contains("ival")) {
    std::optional<std::string> text = integerLiteral(aConst, sql);
    return json{{"number", text.value_or("?")}};
  }
  if (aConst.contains("fval")) return json{{"number", aConst["fval"].value("fval", "")}};
  if (aConst.contains("sval")) return json{{"string", aConst["sval"].value("sval", "")}};
  if (aConst.contains("boolval")) return json{{"bool", aConst["boolval"].value("boolval", false)}};
  if (aConst.contains("bsval")) return json{{"bits", aConst["bsval"].value("bsval", "")}};
  return aConst;
}

bool isConstant(const json& canonical) {
  return canonical.contains("null") || canonical.contains("number") ||
         canonical.contains("string") || canonical.contains("bool") || canonical.contains("bits");
}

bool isTextType(const std::string& type) {
  std::string element = type.ends_with("[]") ? type.substr(0, type.size() - 2) : type;
  return element == "text" || element == "bpchar" || element.starts_with("character");
}

bool isNumericType(const std::string& type) {
  static const std::set<std::string> kNumeric = {"smallint", "integer", "bigint", "real",
                                                 "double precision"};
  return kNumeric.count(type) > 0 || type.starts_with("numeric");
}

// '-1'::integer is how the server prints a negative integer constant: a number after all.
bool looksNumeric(const std::string& text) {
  if (text.empty()) return false;
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

json canonical(const json& node, std::string_view sql);

json typeCast(const json& cast, std::string_view sql) {
  json argument = canonical(cast.at("arg"), sql);
  std::string type = formatTypeName(cast.at("typeName"), sql);
  if (isConstant(argument)) {
    if (argument.contains("string") && isNumericType(type) &&
        looksNumeric(argument["string"].get<std::string>())) {
      return json{{"number", argument["string"]}};
    }
    return argument;
  }
  if (argument.contains("A_ArrayExpr") || isTextType(type)) return argument;
  return json{{"TypeCast", {{"arg", argument}, {"type", type}}}};
}

json comparison(const std::string& op, const json& left, const json& right) {
  return json{{"A_Expr",
               {{"kind", "AEXPR_OP"},
                {"name", json::array({stringNode(op)})},
                {"lexpr", left},
                {"rexpr", right}}}};
}

json boolExpression(const std::string& op, json args) {
  return json{{"BoolExpr", {{"boolop", op}, {"args", std::move(args)}}}};
}

bool isShorthand(const std::string& kind) {
  return kind == "AEXPR_IN" || kind == "AEXPR_BETWEEN" || kind == "AEXPR_NOT_BETWEEN" ||
         kind == "AEXPR_LIKE" || kind == "AEXPR_ILIKE";
}

// IN, BETWEEN and LIKE as the server stores them; `expression` is still raw.
json expandedOperator(const json& expression) {
  std::string kind = expression.value("kind", "");
  std::vector<std::string> name = stringsOf(expression.value("name", json::array()));
  std::string op = name.empty() ? "" : name.back();
  if (kind == "AEXPR_IN") {
    const json& items = expression.at("rexpr").at("List").at("items");
    if (items.size() == 1) return comparison(op, expression.at("lexpr"), items[0]);
    json rewritten = expression;
    rewritten["kind"] = op == "=" ? "AEXPR_OP_ANY" : "AEXPR_OP_ALL";
    rewritten["rexpr"] = json{{"A_ArrayExpr", {{"elements", items}}}};
    return json{{"A_Expr", rewritten}};
  }
  if (kind == "AEXPR_BETWEEN" || kind == "AEXPR_NOT_BETWEEN") {
    const json& bounds = expression.at("rexpr").at("List").at("items");
    const json& value = expression.at("lexpr");
    if (kind == "AEXPR_BETWEEN") {
      return boolExpression("AND_EXPR", json::array({comparison(">=", value, bounds[0]),
                                                     comparison("<=", value, bounds[1])}));
    }
    return boolExpression("OR_EXPR", json::array({comparison("<", value, bounds[0]),
                                                  comparison(">", value, bounds[1])}));
  }
  if (kind == "AEXPR_LIKE" || kind == "AEXPR_ILIKE") {
    json rewritten = expression;
    rewritten["kind"] = "AEXPR_OP";
    return json{{"A_Expr", rewritten}};
  }
  return json{{"A_Expr", expression}};
}

json boolExpressionOf(const json& expression, std::string_view sql) {
  std::string op = expression.value("boolop", "");
  json args = json::array();
  for (const json& argument : expression.value("args", json::array())) {
    json child = canonical(argument, sql);
    bool sameOperator = op != "NOT_EXPR" && child.contains("BoolExpr") &&
                        child["BoolExpr"].value("boolop", "") == op;
    if (sameOperator) {
      for (const json& grandchild : child["BoolExpr"]["args"]) args.push_back(grandchild);
    } else {
      args.push_back(std::move(child));
    }
  }
  return boolExpression(op, std::move(args));
}

json functionCall(const json& call, std::string_view sql) {
  json result = json::object();
  for (const auto& [key, value] : call.items()) {
    if (key == "location") continue;
    result[key] = canonical(value, sql);
  }
  json& names = result["funcname"];
  if (names.size() > 1 && stringOf(names[0]) == "pg_catalog") names.erase(names.begin());
  return json{{"FuncCall", result}};
}

json canonical(const json& node, std::string_view sql) {
  if (node.is_array()) {
    json result = json::array();
    for (const json& item : node) result.push_back(canonical(item, sql));
    return result;
  }
  if (!node.is_object()) return node;
  if (node.size() == 1) {
    const std::string& kind = node.begin().key();
    const json& body = node.begin().value();
    if (kind == "A_Const") return constant(body, sql);
    if (kind == "TypeCast") return typeCast(body, sql);
    if (kind == "BoolExpr") return boolExpressionOf(body, sql);
    if (kind == "FuncCall") return functionCall(body, sql);
    if (kind == "A_Expr" && isShorthand(body.value("kind", ""))) {
      return canonical(expandedOperator(body), sql);
    }
  }
  json result = json::object();
  for (const auto& [key, value] : node.items()) {
    if (key != "location") result[key] = canonical(value, sql);
  }
  return result;
}

}  // namespace

json canonicalExpression(const json& node, std::string_view sql) {
  return canonical(node, sql);
}

}  // namespace retort::engine::sql
