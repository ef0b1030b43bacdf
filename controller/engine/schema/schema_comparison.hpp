// What `retort check` and `retort revision --autogenerate` share: the model of a database
// (minus Retort's own bookkeeping tables) compared with the desired schema loaded from
// schema.sql. Like Alembic's autogenerate, the database must already be
// at the scripts' head; the callers check that with the version table first.
#pragma once

#include <string>
#include <vector>

#include "engine/runtime/connection.hpp"
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
  // Whether compareWithDesired may settle a match from the parser's reading of schema.sql
  // alone; false always loads the file in PostgreSQL, the reference.
  bool readWithParser = true;
};

// Tables Retort itself owns for a version table `table` in `schemaName` (empty: public).
std::vector<std::string> bookkeepingTables(const std::string& table, const std::string& schemaName);

struct ComparedModels {
  Model current;  // the database
  Model desired;  // schema.sql
};

ComparedModels loadComparedModels(Connection& database, const ComparisonSource& source);

// Whether a database's model equals what `schemaSql` declares, decided by the parser alone
// (schema_sql_reader.hpp); false also when the reader declines the file.
bool matchesWithoutServer(const Model& current, const std::string& schemaSql);

// diff(database, desired): the changes that would bring the database to schema.sql. When the
// parser's reading of schema.sql already matches, the file is never loaded in PostgreSQL.
SchemaDiff compareWithDesired(Connection& database, const ComparisonSource& source);

}  // namespace retort::engine::schema
