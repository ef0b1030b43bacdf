// What `retort check` and `retort revision --autogenerate` share: the model of a database
// (minus Retort's own bookkeeping tables) compared with the desired schema loaded from
// schema.sql in a scratch database. Like Alembic's autogenerate, the database must already be
// at the scripts' head; the callers check that with the version table first.
#pragma once

#include <string>
#include <vector>

#include "engine/connection.hpp"
#include "engine/schema/diff.hpp"
#include "engine/schema/introspect.hpp"

namespace retort::engine::schema {

struct ComparisonSource {
  std::string schemaFile = "migrations/schema.sql";  // the desired schema
  // Server on which the scratch database is created; empty: the compared database's server.
  std::string scratchServerUri;
  // Tables never compared, as "schema.table": the version table and its history table.
  std::vector<std::string> excludedTables;
};

// Tables Retort itself owns for a version table `table` in `schemaName` (empty: public).
std::vector<std::string> bookkeepingTables(const std::string& table, const std::string& schemaName);

// diff(database, desired): the changes that would bring the database to schema.sql.
// `databaseUri` is only used to reach the server when no scratch server is given.
SchemaDiff compareWithDesired(Connection& database, const std::string& databaseUri,
                              const ComparisonSource& source);

}  // namespace retort::engine::schema
