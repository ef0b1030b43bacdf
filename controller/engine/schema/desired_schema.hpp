// The desired schema: a plain SQL file (migrations/schema.sql by default) that declares the
// tables as a developer wants them, like SQLAlchemy models do for Alembic. Retort runs it in a
// scratch database and introspects the result, so the comparison uses PostgreSQL's own
// reading of the SQL rather than a second parser. Errors point at the file and line.
#pragma once

#include <string>

#include "engine/connection.hpp"
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

// Same, from SQL text already in memory.
Model loadSchemaSql(const std::string& serverUri, const std::string& sql, const std::string& file,
                    const IntrospectOptions& options = {});

}  // namespace retort::engine::schema
