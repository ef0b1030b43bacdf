// `retort check [--schema FILE] [--scratch-url URL] [--json]`: Alembic's check. Compares the
// database, which must be at the scripts' head, with the desired schema (schema.sql in the
// script location) and fails listing the differences, or prints
// `No new upgrade operations detected.`.
#include <algorithm>
#include <iostream>

#include "cli/context.hpp"
#include "engine/errors.hpp"
#include "engine/schema/check_report.hpp"
#include "engine/schema/desired_schema_cache.hpp"
#include "engine/schema/schema_comparison.hpp"

namespace retort::cli {
namespace {

struct CheckOptions {
  std::string schemaFile;  // empty: <script location>/schema.sql
  std::string scratchUrl;
  bool json = false;
  bool noCache = false;
};

void requireHead(const GlobalOptions& options, engine::Connection& connection) {
  engine::ScriptDirectory scripts = loadScripts(options);
  const engine::RevisionGraph& graph = scripts.graph();
  engine::Migrator migrator(connection, graph, versionTableName(options), runOptions(options));
  migrator.begin(false);
  std::vector<std::string> rows = migrator.currentRows();
  std::vector<std::string> heads;
  for (engine::RevisionIndex head : graph.heads()) heads.push_back(graph.id(head));
  std::sort(rows.begin(), rows.end());
  std::sort(heads.begin(), heads.end());
  if (rows != heads) throw engine::CommandError("Target database is not up to date.");
}

void runCheck(const GlobalOptions& options, const CheckOptions& args) {
  auto connection = connect(options);
  logContext();
  requireHead(options, *connection);
  engine::schema::ComparisonSource source;
  source.schemaFile =
      args.schemaFile.empty() ? options.scriptLocation + "/schema.sql" : args.schemaFile;
  source.scratchServerUri = args.scratchUrl;
  if (!args.noCache) source.cacheDirectory = engine::schema::defaultCacheDirectory();
  source.excludedTables =
      engine::schema::bookkeepingTables(options.versionTable, options.versionTableSchema);
  engine::schema::SchemaDiff difference = engine::schema::compareWithDesired(*connection, source);
  bool upToDate = engine::schema::describeChanges(difference).empty();
  if (args.json) {
    std::cout << engine::schema::checkJson(difference).dump(2) << std::endl;
    if (!upToDate) setExitCode(255);
    return;
  }
  if (!upToDate) throw engine::CommandError(engine::schema::newOperationsMessage(difference));
  std::cout << engine::schema::kNoNewOperations << std::endl;
}

void install(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Check if revision command with autogenerate has pending upgrade ops.");
  cmd->add_option("--schema", args->schemaFile,
                  "Desired schema as SQL (default: <script location>/schema.sql)");
  cmd->add_option("--scratch-url", args->scratchUrl,
                  "Load the desired schema in a scratch database on this server (needs CREATEDB; "
                  "compares every schema) instead of a rolled-back scratch schema (public only)");
  cmd->add_flag("--json", args->json, "Print the result as JSON");
  cmd->add_flag("--no-cache", args->noCache,
                "Load schema.sql again even if its model is cached (~/.cache/retort)");
  cmd->callback([&options, args] { runCheck(options, *args); });
}

}  // namespace
RETORT_COMMAND(check, install);
}  // namespace retort::cli
