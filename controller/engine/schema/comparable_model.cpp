#include "engine/schema/comparable_model.hpp"

#include <functional>

#include "engine/sql/canonical_expression.hpp"
#include "engine/sql/parsed_sql.hpp"

namespace retort::engine::schema {

namespace {

using nlohmann::json;

json rangeVarKey(const json& rangeVar) {
  json key{{"relname", rangeVar.value("relname", "")}};
  std::string schemaName = rangeVar.value("schemaname", "public");
  if (schemaName != "public") key["schemaname"] = schemaName;
  return key;
}

// The server prints an index column's sort order only when it differs from the default, and
// NULLS FIRST/LAST only when it differs from the order's default.
json indexElementKey(json element) {
  json& body = element["IndexElem"];
  std::string ordering = body.value("ordering", "SORTBY_DEFAULT");
  if (ordering == "SORTBY_ASC") ordering = "SORTBY_DEFAULT";
  std::string nulls = body.value("nulls_ordering", "SORTBY_NULLS_DEFAULT");
  bool descending = ordering == "SORTBY_DESC";
  if ((descending && nulls == "SORTBY_NULLS_FIRST") ||
      (!descending && nulls == "SORTBY_NULLS_LAST")) {
    nulls = "SORTBY_NULLS_DEFAULT";
  }
  body["ordering"] = ordering;
  body["nulls_ordering"] = nulls;
  return element;
}

}  // namespace

std::string expressionKey(const json& expression, std::string_view sql) {
  return sql::canonicalExpression(expression, sql).dump();
}

std::string constraintKey(const json& constraint, std::string_view sql) {
  json key = constraint;
  // The name is compared on its own; validation is a state of the data, not of the shape.
  for (const char* field : {"conname", "location", "initially_valid", "skip_validation"}) {
    key.erase(field);
  }
  if (key.contains("pktable")) key["pktable"] = rangeVarKey(key["pktable"]);
  return sql::canonicalExpression(key, sql).dump();
}

std::string indexKey(const json& indexStatement, std::string_view sql) {
  json key = indexStatement;
  for (const char* field : {"idxname", "location", "if_not_exists", "concurrent"}) {
    key.erase(field);
  }
  key["relation"] = rangeVarKey(key.value("relation", json::object()));
  for (const char* list : {"indexParams", "indexIncludingParams"}) {
    if (!key.contains(list)) continue;
    for (json& element : key[list]) element = indexElementKey(element);
  }
  return sql::canonicalExpression(key, sql).dump();
}

std::optional<Model> comparableModel(const Model& model) {
  // Every text goes into one batch for a single parser call: one statement per text, in the
  // order the walk below visits them.
  std::string batch;
  // Each returns false when its statement parsed into another kind than its text promised.
  std::vector<std::function<bool(const sql::ParsedStatement&)>> assign;
  Model comparable = model;
  for (auto& [key, table] : comparable.tables) {
    for (Column& column : table.columns) {
      for (std::optional<std::string>* text :
           {&column.defaultExpression, &column.generatedExpression}) {
        if (!*text) continue;
        batch += "SELECT " + **text + ";\n";
        assign.push_back([text, &batch](const sql::ParsedStatement& statement) {
          if (statement.kind != "SelectStmt") return false;
          const json& target = statement.node.at("targetList").at(0);
          *text = expressionKey(target.at("ResTarget").at("val"), batch);
          return true;
        });
      }
    }
    for (Constraint& constraint : table.constraints) {
      batch += "ALTER TABLE t ADD " + constraint.definition + ";\n";
      assign.push_back([&constraint, &batch](const sql::ParsedStatement& statement) {
        if (statement.kind != "AlterTableStmt") return false;
        const json& command = statement.node.at("cmds").at(0).at("AlterTableCmd");
        constraint.definition = constraintKey(command.at("def").at("Constraint"), batch);
        return true;
      });
      constraint.columns.clear();
      constraint.referencedTable.clear();
      constraint.referencedColumns.clear();
    }
    for (Index& index : table.indexes) {
      batch += index.definition + ";\n";
      assign.push_back([&index, &batch](const sql::ParsedStatement& statement) {
        if (statement.kind != "IndexStmt") return false;
        index.definition = indexKey(statement.node, batch);
        return true;
      });
      index.unique = false;
      index.method.clear();
      index.keys.clear();
      index.predicate.reset();
    }
  }
  sql::ParsedSql parsed = sql::parseSql(batch, 1);
  if (parsed.error || parsed.statements.size() != assign.size()) return std::nullopt;
  try {
    for (size_t i = 0; i < assign.size(); ++i) {
      if (!assign[i](parsed.statements[i])) return std::nullopt;
    }
  } catch (const json::exception&) {
    return std::nullopt;  // a statement's tree has another shape than its text promised
  }
  return comparable;
}

}  // namespace retort::engine::schema
