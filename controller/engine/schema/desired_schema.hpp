// The desired schema: a plain SQL file (migrations/schema.sql by default) that declares the
// tables as a developer wants them, like SQLAlchemy models do for Alembic. Retort runs it
// somewhere disposable and introspects the result: PostgreSQL's own reading of the SQL, the
// reference that schema_sql_reader.hpp imitates without a server. Errors point at the file
// and line.
// Two places are possible: a scratch database on some server (any number of schemas; needs
// CREATEDB, and creating plus dropping a database costs a few hundred milliseconds), or a
// scratch schema inside a transaction on the compared database that is always rolled back
// (milliseconds, no privilege beyond CREATE on the database; only the `public` schema).
#pragma once

#include <string>

#include "engine/runtime/connection.hpp"
#include "engine/schema/introspect.hpp"
#include "engine/schema/model.hpp"

namespace retort::engine::schema {

// Runs `sql` (read from `file`, which is only used in messages) on `connection`; a failing
// statement becomes a ScriptError at the line of the error.
void applySchemaSql(Connection& connection, const std::string& sql, const std::string& file);

// Reads `schemaFile`, loads it into a scratch database on the server `serverUri` points at,
// and returns its model. The scratch database is dropped before returning.
Model loadDesiredSchema(const std::string& serverUri, const std::string& schemaFile,
                        const IntrospectOptions& options = {});

// Loads `sql` into a fresh schema inside a transaction on `connection`, introspects it as if
// it were `public`, and rolls everything back. The SQL must create its objects unqualified
// (in `public`); other schemas are not supported here.
Model loadSchemaSqlInScratchSchema(Connection& connection, const std::string& sql,
                                   const std::string& file, const IntrospectOptions& options = {});

// Reads a schema file into memory; CommandError when it cannot.
std::string readSchemaFile(const std::string& schemaFile);

// Same, from SQL text already in memory.
Model loadSchemaSql(const std::string& serverUri, const std::string& sql, const std::string& file,
                    const IntrospectOptions& options = {});

}  // namespace retort::engine::schema
