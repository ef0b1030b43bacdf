// Reads a live database's structure from the PostgreSQL catalog into a schema::Model.
// One catalog query per object kind (not one per table), so the cost stays flat as the schema
// grows. The session's search_path is pinned (to `public` by default) while reading, so expressions
// and type names come out the same way on every database: unqualified for `public`, qualified for
// every other schema. Objects that belong to extensions are left out.
#pragma once

#include <string>
#include <vector>

#include "engine/runtime/connection.hpp"
#include "engine/schema/model.hpp"

namespace retort::engine::schema {

struct IntrospectOptions {
  // Schemas to read; empty means every schema except PostgreSQL's own (pg_*, information_schema).
  std::vector<std::string> schemas;
  // Tables to leave out, as "schema.table" (for example Retort's own version table).
  std::vector<std::string> excludedTables;
  // The search_path while reading: names in it are printed unqualified.
  std::string searchPath = "public";
};

Model introspect(Connection& connection, const IntrospectOptions& options = {});

}  // namespace retort::engine::schema
