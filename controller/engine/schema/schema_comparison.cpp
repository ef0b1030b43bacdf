#include "engine/schema/schema_comparison.hpp"

#include "engine/schema/desired_schema.hpp"
#include "engine/schema/desired_schema_cache.hpp"
#include "engine/script_directory.hpp"

namespace retort::engine::schema {

std::vector<std::string> bookkeepingTables(const std::string& table,
                                           const std::string& schemaName) {
  std::string schema = schemaName.empty() ? "public" : schemaName;
  return {qualifiedKey(schema, table), qualifiedKey(schema, table + "_history")};
}

ComparedModels loadComparedModels(Connection& database, const ComparisonSource& source) {
  IntrospectOptions options;
  options.excludedTables = source.excludedTables;
  bool scratchSchema = source.scratchServerUri.empty();
  if (scratchSchema) options.schemas = {"public"};
  ComparedModels models;
  models.current = introspect(database, options);

  std::string sql = readSchemaFile(source.schemaFile);
  // Everything the loaded model depends on: the text, how it is loaded, what is left out, the
  // server's version (its renderings of expressions) and Retort's own (the model's format).
  std::string identity = sql + '\0' + (scratchSchema ? "schema" : "database") + '\0' +
                         database.exec("SHOW server_version_num").value(0, 0) + '\0' +
                         RETORT_VERSION;
  for (const std::string& table : source.excludedTables) identity += '\0' + table;
  models.desired = cachedModel(source.cacheDirectory, scriptChecksum(identity), [&] {
    return scratchSchema ? loadSchemaSqlInScratchSchema(database, sql, source.schemaFile, options)
                         : loadSchemaSql(source.scratchServerUri, sql, source.schemaFile, options);
  });
  return models;
}

SchemaDiff compareWithDesired(Connection& database, const ComparisonSource& source) {
  ComparedModels models = loadComparedModels(database, source);
  return diff(models.current, models.desired);
}

}  // namespace retort::engine::schema
