#include "engine/schema/model.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace retort::engine::schema {

namespace {

// Keywords that quote_ident() quotes: PostgreSQL's reserved, type/function-name and
// column-name keywords (src/include/parser/kwlist.h). Unreserved keywords need no quotes.
constexpr std::array<std::string_view, 157> kQuotedKeywords = {"all",
                                                               "analyse",
                                                               "analyze",
                                                               "and",
                                                               "any",
                                                               "array",
                                                               "as",
                                                               "asc",
                                                               "asymmetric",
                                                               "authorization",
                                                               "between",
                                                               "bigint",
                                                               "binary",
                                                               "bit",
                                                               "boolean",
                                                               "both",
                                                               "case",
                                                               "cast",
                                                               "char",
                                                               "character",
                                                               "check",
                                                               "coalesce",
                                                               "collate",
                                                               "collation",
                                                               "column",
                                                               "concurrently",
                                                               "constraint",
                                                               "create",
                                                               "cross",
                                                               "current_catalog",
                                                               "current_date",
                                                               "current_role",
                                                               "current_schema",
                                                               "current_time",
                                                               "current_timestamp",
                                                               "current_user",
                                                               "dec",
                                                               "decimal",
                                                               "default",
                                                               "deferrable",
                                                               "desc",
                                                               "distinct",
                                                               "do",
                                                               "else",
                                                               "end",
                                                               "except",
                                                               "exists",
                                                               "extract",
                                                               "false",
                                                               "fetch",
                                                               "float",
                                                               "for",
                                                               "foreign",
                                                               "freeze",
                                                               "from",
                                                               "full",
                                                               "grant",
                                                               "greatest",
                                                               "group",
                                                               "grouping",
                                                               "having",
                                                               "ilike",
                                                               "in",
                                                               "initially",
                                                               "inner",
                                                               "inout",
                                                               "int",
                                                               "integer",
                                                               "intersect",
                                                               "interval",
                                                               "into",
                                                               "is",
                                                               "isnull",
                                                               "join",
                                                               "json",
                                                               "json_array",
                                                               "json_arrayagg",
                                                               "json_object",
                                                               "json_objectagg",
                                                               "lateral",
                                                               "leading",
                                                               "least",
                                                               "left",
                                                               "like",
                                                               "limit",
                                                               "localtime",
                                                               "localtimestamp",
                                                               "national",
                                                               "natural",
                                                               "nchar",
                                                               "none",
                                                               "normalize",
                                                               "not",
                                                               "notnull",
                                                               "null",
                                                               "nullif",
                                                               "numeric",
                                                               "offset",
                                                               "on",
                                                               "only",
                                                               "or",
                                                               "order",
                                                               "out",
                                                               "outer",
                                                               "overlaps",
                                                               "overlay",
                                                               "placing",
                                                               "position",
                                                               "precision",
                                                               "primary",
                                                               "real",
                                                               "references",
                                                               "returning",
                                                               "right",
                                                               "row",
                                                               "select",
                                                               "session_user",
                                                               "setof",
                                                               "similar",
                                                               "smallint",
                                                               "some",
                                                               "substring",
                                                               "symmetric",
                                                               "system_user",
                                                               "table",
                                                               "tablesample",
                                                               "then",
                                                               "time",
                                                               "timestamp",
                                                               "to",
                                                               "trailing",
                                                               "treat",
                                                               "trim",
                                                               "true",
                                                               "union",
                                                               "unique",
                                                               "user",
                                                               "using",
                                                               "values",
                                                               "varchar",
                                                               "variadic",
                                                               "verbose",
                                                               "when",
                                                               "where",
                                                               "window",
                                                               "with",
                                                               "xmlattributes",
                                                               "xmlconcat",
                                                               "xmlelement",
                                                               "xmlexists",
                                                               "xmlforest",
                                                               "xmlnamespaces",
                                                               "xmlparse",
                                                               "xmlpi",
                                                               "xmlroot",
                                                               "xmlserialize",
                                                               "xmltable"};

bool needsQuotes(const std::string& name) {
  if (name.empty()) return true;
  if (!(std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_')) return true;
  for (char c : name) {
    bool plain = std::islower(static_cast<unsigned char>(c)) ||
                 std::isdigit(static_cast<unsigned char>(c)) || c == '_';
    if (!plain) return true;
  }
  return std::find(kQuotedKeywords.begin(), kQuotedKeywords.end(), name) != kQuotedKeywords.end();
}

}  // namespace

const Column* Table::findColumn(const std::string& column) const {
  for (const Column& candidate : columns) {
    if (candidate.name == column) return &candidate;
  }
  return nullptr;
}

bool Table::operator==(const Table& other) const {
  if (schema != other.schema || name != other.name || constraints != other.constraints ||
      indexes != other.indexes || comment != other.comment ||
      columns.size() != other.columns.size()) {
    return false;
  }
  for (const Column& column : columns) {
    const Column* match = other.findColumn(column.name);
    if (!match || !(*match == column)) return false;
  }
  return true;
}

std::string qualifiedKey(const std::string& schemaName, const std::string& name) {
  return schemaName + "." + name;
}

std::string quoteIdentifier(const std::string& name) {
  if (!needsQuotes(name)) return name;
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string qualifiedName(const std::string& schemaName, const std::string& name) {
  if (schemaName == "public") return quoteIdentifier(name);
  return quoteIdentifier(schemaName) + "." + quoteIdentifier(name);
}

std::string toString(ConstraintKind kind) {
  switch (kind) {
    case ConstraintKind::PrimaryKey:
      return "primary key";
    case ConstraintKind::Unique:
      return "unique";
    case ConstraintKind::Check:
      return "check";
    case ConstraintKind::ForeignKey:
      return "foreign key";
    case ConstraintKind::Exclusion:
      return "exclusion";
  }
  return "constraint";
}

}  // namespace retort::engine::schema
