// Alembic's version table, read and written exactly as Alembic does: the same DDL, the same
// INSERT / UPDATE / DELETE statement texts with inline literals, and the same one-row guard
// on UPDATE and DELETE, so stock Alembic and Retort can take turns on one database.
#pragma once

#include <string>
#include <vector>

#include "engine/revision/version_heads.hpp"
#include "engine/runtime/connection.hpp"

namespace retort::engine {

struct VersionTableName {
  std::string table = "alembic_version";
  std::string schema;  // empty: the search_path

  // The name as it appears in SQL (quoted only where PostgreSQL needs it).
  std::string qualified() const;
  // The side table recording every step (Alembic ignores it).
  VersionTableName history() const { return {table + "_history", schema}; }
};

// SQL texts, shared by online runs and offline (--sql) output.
std::string createVersionTableSql(const VersionTableName& name);
std::string versionChangeSql(const VersionTableName& name, const VersionChange& change);
std::string sqlLiteral(const std::string& value);
std::string sqlIdentifier(const std::string& name);

class VersionTable {
 public:
  VersionTable(Connection& connection, VersionTableName name)
      : connection_(connection), name_(std::move(name)) {}

  bool exists();
  void create();
  // Current rows, without ORDER BY semantics mattering: callers order them by the graph.
  std::vector<std::string> rows();
  // Alembic's one-row rule: an UPDATE or DELETE already sent must have touched one row.
  void checkAffected(const VersionChange& change, long affected) const;
  const VersionTableName& name() const { return name_; }

 private:
  Connection& connection_;
  VersionTableName name_;
};

}  // namespace retort::engine
