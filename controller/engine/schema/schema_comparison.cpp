#include "engine/schema/schema_comparison.hpp"

#include <future>

#include "engine/schema/comparable_model.hpp"
#include "engine/schema/desired_schema.hpp"
#include "engine/schema/desired_schema_cache.hpp"
#include "engine/schema/schema_sql_reader.hpp"
#include "engine/util/log.hpp"

namespace retort::engine::schema {

namespace {

// schema.sql and what depends on it alone, before the database is read.
struct DesiredSource {
  IntrospectOptions options;
  std::string sql;
  std::string cacheKey;
  std::optional<Model> cached;  // PostgreSQL's model of this very text, from an earlier run
};

DesiredSource readDesiredSource(Connection& database, const ComparisonSource& source) {
  DesiredSource desired;
  desired.options.excludedTables = source.excludedTables;
  bool scratchSchema = source.scratchServerUri.empty();
  if (scratchSchema) desired.options.schemas = {"public"};
  desired.sql = readSchemaFile(source.schemaFile);
  // Everything the loaded model depends on: the text, how it is loaded, what is left out, the
  // server's version (its renderings of expressions) and Retort's own (the model's format).
  std::string identity = desired.sql + '\0' + (scratchSchema ? "schema" : "database") + '\0' +
                         database.exec("SHOW server_version_num").value(0, 0) + '\0' +
                         RETORT_VERSION;
  for (const std::string& table : source.excludedTables) identity += '\0' + table;
  desired.cacheKey = cacheKey(identity);
  desired.cached = readCachedModel(source.cacheDirectory, desired.cacheKey);
  return desired;
}

// schema.sql as PostgreSQL reads it: cached, or loaded in a scratch schema or database.
Model loadedModel(Connection& database, const ComparisonSource& source, DesiredSource& desired) {
  if (desired.cached) return std::move(*desired.cached);
  Model model =
      source.scratchServerUri.empty()
          ? loadSchemaSqlInScratchSchema(database, desired.sql, source.schemaFile, desired.options)
          : loadSchemaSql(source.scratchServerUri, desired.sql, source.schemaFile, desired.options);
  storeCachedModel(source.cacheDirectory, desired.cacheKey, model);
  return model;
}

bool matchesReading(const Model& current, const Model& reading) {
  std::optional<Model> comparable = comparableModel(current);
  return comparable && *comparable == reading;
}

}  // namespace

std::vector<std::string> bookkeepingTables(const std::string& table,
                                           const std::string& schemaName) {
  std::string schema = schemaName.empty() ? "public" : schemaName;
  return {qualifiedKey(schema, table), qualifiedKey(schema, table + "_history")};
}

bool matchesWithoutServer(const Model& current, const std::string& schemaSql) {
  SchemaSqlReading reading = readSchemaSql(schemaSql);
  return reading.model && matchesReading(current, *reading.model);
}

ComparedModels loadComparedModels(Connection& database, const ComparisonSource& source) {
  DesiredSource desired = readDesiredSource(database, source);
  Model current = introspect(database, desired.options);
  return {std::move(current), loadedModel(database, source, desired)};
}

SchemaDiff compareWithDesired(Connection& database, const ComparisonSource& source) {
  DesiredSource desired = readDesiredSource(database, source);
  // Most checks find nothing to do, and the parser alone can confirm that, on the other core
  // while the server answers the catalog queries. PostgreSQL loads schema.sql only when there
  // are differences to describe, or when the reader declines the file.
  std::future<SchemaSqlReading> reading;
  if (!desired.cached && source.readWithParser) {
    reading = std::async(std::launch::async, [&desired] { return readSchemaSql(desired.sql); });
  }
  Model current = introspect(database, desired.options);
  if (reading.valid()) {
    SchemaSqlReading read = reading.get();
    if (read.model && matchesReading(current, *read.model)) return {};
    if (!read.model) {
      Log::info("retort.autogenerate.compare",
                "Loading " + source.schemaFile +
                    " in PostgreSQL (the parser-only reading declined at " + read.declined + ")");
    }
  }
  return diff(current, loadedModel(database, source, desired));
}

}  // namespace retort::engine::schema
