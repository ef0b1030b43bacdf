#include "engine/schema/schema_comparison.hpp"

#include "engine/schema/desired_schema.hpp"

namespace retort::engine::schema {

std::vector<std::string> bookkeepingTables(const std::string& table,
                                           const std::string& schemaName) {
  std::string schema = schemaName.empty() ? "public" : schemaName;
  return {qualifiedKey(schema, table), qualifiedKey(schema, table + "_history")};
}

ComparedModels loadComparedModels(Connection& database, const ComparisonSource& source) {
  IntrospectOptions options;
  options.excludedTables = source.excludedTables;
  ComparedModels models;
  if (source.scratchServerUri.empty()) {
    options.schemas = {"public"};
    models.current = introspect(database, options);
    models.desired = loadSchemaSqlInScratchSchema(database, readSchemaFile(source.schemaFile),
                                                  source.schemaFile, options);
  } else {
    models.current = introspect(database, options);
    models.desired = loadDesiredSchema(source.scratchServerUri, source.schemaFile, options);
  }
  return models;
}

SchemaDiff compareWithDesired(Connection& database, const ComparisonSource& source) {
  ComparedModels models = loadComparedModels(database, source);
  return diff(models.current, models.desired);
}

}  // namespace retort::engine::schema
