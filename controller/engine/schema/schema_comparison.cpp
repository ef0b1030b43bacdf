#include "engine/schema/schema_comparison.hpp"

#include "engine/schema/desired_schema.hpp"

namespace retort::engine::schema {

std::vector<std::string> bookkeepingTables(const std::string& table,
                                           const std::string& schemaName) {
  std::string schema = schemaName.empty() ? "public" : schemaName;
  return {qualifiedKey(schema, table), qualifiedKey(schema, table + "_history")};
}

SchemaDiff compareWithDesired(Connection& database, const std::string& databaseUri,
                              const ComparisonSource& source) {
  IntrospectOptions options;
  options.excludedTables = source.excludedTables;
  Model current = introspect(database, options);
  std::string server = source.scratchServerUri.empty() ? databaseUri : source.scratchServerUri;
  Model desired = loadDesiredSchema(server, source.schemaFile, options);
  return diff(current, desired);
}

}  // namespace retort::engine::schema
