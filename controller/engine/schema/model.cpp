#include "engine/schema/model.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "engine/sql/quoting.hpp"

namespace retort::engine::schema {

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
  return sql::quoteIdentifier(name);
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
