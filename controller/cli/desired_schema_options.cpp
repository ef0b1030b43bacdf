#include "cli/desired_schema_options.hpp"

#include "cli/context.hpp"
#include "engine/schema/desired_schema_cache.hpp"
#include "engine/util/errors.hpp"

namespace retort::cli {

void DesiredSchemaOptions::addTo(CLI::App& command) {
  command.add_option("--schema", schemaFile,
                     "Desired schema as SQL (default: <script location>/schema.sql)");
  command.add_option(
      "--scratch-url", scratchUrl,
      "Load the desired schema in a scratch database on this server (needs CREATEDB; "
      "compares every schema) instead of a rolled-back scratch schema (public only)");
  command.add_flag("--no-cache", noCache,
                   "Load schema.sql again even if its model is cached (~/.cache/retort)");
  command.add_flag("--load-in-server", loadInServer,
                   "Load schema.sql in PostgreSQL even when reading it with the parser alone "
                   "shows no difference (slower; PostgreSQL is the reference)");
}

engine::schema::ComparisonSource DesiredSchemaOptions::source(const GlobalOptions& options) const {
  engine::schema::ComparisonSource source;
  source.schemaFile = schemaFile.empty() ? options.scriptLocation + "/schema.sql" : schemaFile;
  source.scratchServerUri = scratchUrl;
  if (!noCache) source.cacheDirectory = engine::schema::defaultCacheDirectory();
  source.readWithParser = !loadInServer;
  source.excludedTables =
      engine::schema::bookkeepingTables(options.versionTable, options.versionTableSchema);
  return source;
}

void requireAllHeads(engine::Migrator& migrator, const engine::RevisionGraph& graph) {
  if (!atAllHeads(migrator.currentRows(), graph)) {
    throw engine::CommandError("Target database is not up to date.");
  }
}

}  // namespace retort::cli
