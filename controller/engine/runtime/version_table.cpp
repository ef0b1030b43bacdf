#include "engine/runtime/version_table.hpp"

#include <algorithm>
#include <set>
#include <string_view>

#include "engine/util/errors.hpp"

namespace retort::engine {

namespace {

// SQLAlchemy's PostgreSQL reserved words (what Alembic quotes, so offline SQL matches it byte
// for byte), plus the PostgreSQL 15 keywords a table name cannot be that SQLAlchemy 1.4 misses.
bool isReservedWord(std::string_view name) {
  static const std::set<std::string_view> kReserved = {"all",
                                                       "analyse",
                                                       "analyze",
                                                       "and",
                                                       "any",
                                                       "array",
                                                       "as",
                                                       "asc",
                                                       "asymmetric",
                                                       "authorization",
                                                       "binary",
                                                       "both",
                                                       "case",
                                                       "cast",
                                                       "check",
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
                                                       "default",
                                                       "deferrable",
                                                       "desc",
                                                       "distinct",
                                                       "do",
                                                       "else",
                                                       "end",
                                                       "except",
                                                       "false",
                                                       "fetch",
                                                       "for",
                                                       "foreign",
                                                       "freeze",
                                                       "from",
                                                       "full",
                                                       "grant",
                                                       "group",
                                                       "having",
                                                       "ilike",
                                                       "in",
                                                       "initially",
                                                       "inner",
                                                       "intersect",
                                                       "into",
                                                       "is",
                                                       "isnull",
                                                       "join",
                                                       "lateral",
                                                       "leading",
                                                       "left",
                                                       "like",
                                                       "limit",
                                                       "localtime",
                                                       "localtimestamp",
                                                       "natural",
                                                       "new",
                                                       "not",
                                                       "notnull",
                                                       "null",
                                                       "of",
                                                       "off",
                                                       "offset",
                                                       "old",
                                                       "on",
                                                       "only",
                                                       "or",
                                                       "order",
                                                       "outer",
                                                       "over",
                                                       "overlaps",
                                                       "placing",
                                                       "primary",
                                                       "references",
                                                       "returning",
                                                       "right",
                                                       "select",
                                                       "session_user",
                                                       "similar",
                                                       "some",
                                                       "symmetric",
                                                       "table",
                                                       "tablesample",
                                                       "then",
                                                       "to",
                                                       "trailing",
                                                       "true",
                                                       "union",
                                                       "unique",
                                                       "user",
                                                       "using",
                                                       "variadic",
                                                       "verbose",
                                                       "when",
                                                       "where",
                                                       "window",
                                                       "with"};
  return kReserved.count(name) > 0;
}

}  // namespace

// Runtime's one identifier-quoting rule (SQLAlchemy's, as Alembic applies it): every SQL text
// runtime builds from a name goes through here.
std::string sqlIdentifier(const std::string& name) {
  bool plain = !name.empty() && !isReservedWord(name) &&
               (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
               std::all_of(name.begin(), name.end(), [](char c) {
                 return std::islower(static_cast<unsigned char>(c)) ||
                        std::isdigit(static_cast<unsigned char>(c)) || c == '_';
               });
  if (plain) return name;
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string sqlLiteral(const std::string& value) {
  std::string out = "'";
  for (char c : value) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string VersionTableName::qualified() const {
  return schema.empty() ? sqlIdentifier(table) : sqlIdentifier(schema) + "." + sqlIdentifier(table);
}

std::string createVersionTableSql(const VersionTableName& name) {
  // Byte-for-byte what SQLAlchemy emits for Alembic, trailing space after the comma included.
  return "CREATE TABLE " + name.qualified() +
         " (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT " +
         sqlIdentifier(name.table + "_pkc") + " PRIMARY KEY (version_num)\n)";
}

std::string versionChangeSql(const VersionTableName& name, const VersionChange& change) {
  const std::string table = name.qualified();
  switch (change.op) {
    case VersionChange::Op::Insert:
      return "INSERT INTO " + table + " (version_num) VALUES (" + sqlLiteral(change.to) + ")";
    case VersionChange::Op::Update:
      return "UPDATE " + table + " SET version_num=" + sqlLiteral(change.to) + " WHERE " + table +
             ".version_num = " + sqlLiteral(change.from);
    case VersionChange::Op::Delete:
      return "DELETE FROM " + table + " WHERE " + table +
             ".version_num = " + sqlLiteral(change.from);
  }
  return "";
}

bool VersionTable::exists() {
  Result r = connection_.exec("SELECT to_regclass($1) IS NOT NULL", {name_.qualified()});
  return r.value(0, 0) == "t";
}

void VersionTable::create() {
  if (!exists()) connection_.exec(createVersionTableSql(name_));
}

std::vector<std::string> VersionTable::rows() {
  Result r =
      connection_.exec("SELECT " + name_.qualified() + ".version_num FROM " + name_.qualified());
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.value(i, 0));
  return out;
}

void VersionTable::checkAffected(const VersionChange& change, long affected) const {
  if (change.op == VersionChange::Op::Insert || affected == 1) return;
  if (change.op == VersionChange::Op::Update) {
    throw CommandError("Online migration expected to match one row when updating '" + change.from +
                       "' to '" + change.to + "' in '" + name_.table + "'; " +
                       std::to_string(affected) + " found");
  }
  throw CommandError("Online migration expected to match one row when deleting '" + change.from +
                     "' in '" + name_.table + "'; " + std::to_string(affected) + " found");
}

}  // namespace retort::engine
