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
  // Where schema.sql is loaded. Empty (the default): a scratch schema in a rolled-back
  // transaction on the compared database, and only `public` is compared. Otherwise a scratch
  // database created (and dropped) on this server, and every schema is compared.
  std::string scratchServerUri;
  // Tables never compared, as "schema.table": the version table and its history table.
  std::vector<std::string> excludedTables;
  // Where loaded desired models are cached (desired_schema_cache.hpp); empty: no cache.
  std::string cacheDirectory;
};

// Tables Retort itself owns for a version table `table` in `schemaName` (empty: public).
std::vector<std::string> bookkeepingTables(const std::string& table, const std::string& schemaName);

struct ComparedModels {
  Model current;  // the database
  Model desired;  // schema.sql
};

ComparedModels loadComparedModels(Connection& database, const ComparisonSource& source);

// diff(database, desired): the changes that would bring the database to schema.sql.
SchemaDiff compareWithDesired(Connection& database, const ComparisonSource& source);

}  // namespace retort::engine::schema
