#include "cli/context.hpp"

#include <algorithm>
#include <iostream>

#include "engine/script/alembic_project.hpp"
#include "engine/util/log.hpp"

namespace retort::cli {

std::optional<engine::AlembicIni> alembicProject(const GlobalOptions& options) {
  // `-c FILE` resolves relative paths against the working directory, as Alembic does; an
  // alembic.ini found in `-d DIR` is read as if Alembic ran in DIR.
  if (!options.config.empty())
    return engine::readAlembicIni(options.config, std::filesystem::current_path());
  std::filesystem::path directory = options.scriptLocation;
  if (options.scriptLocation == "migrations" && !std::filesystem::exists(directory) &&
      engine::alembicIniIn(".")) {
    directory = ".";  // run inside an Alembic project with no -d
  }
  if (auto ini = engine::alembicIniIn(directory))
    return engine::readAlembicIni(*ini, std::filesystem::absolute(directory));
  return std::nullopt;
}

engine::ScriptDirectory loadScripts(const GlobalOptions& options, engine::SectionScan scan) {
  if (auto ini = alembicProject(options)) return engine::loadAlembicProject(*ini);
  return engine::ScriptDirectory::load(options.scriptLocation, scan);
}

engine::VersionTableName versionTableName(const GlobalOptions& options) {
  engine::VersionTableName name{options.versionTable, options.versionTableSchema};
  // The project's own settings apply unless the command line names a table.
  if (name.table == "alembic_version" && name.schema.empty()) {
    if (auto ini = alembicProject(options)) {
      if (!ini->versionTable.empty()) name.table = ini->versionTable;
      name.schema = ini->versionTableSchema;
    }
  }
  return name;
}

engine::RunOptions runOptions(const GlobalOptions& options) {
  engine::RunOptions run;
  run.lockTimeout = options.lockTimeout;
  run.statementTimeout = options.statementTimeout;
  run.lockRetries = options.lockRetries;
  run.connectWatcher = [url = options.databaseUrl()] {
    return std::make_unique<engine::Connection>(url);
  };
  return run;
}

DatabaseSession openDatabase(const GlobalOptions& options, const engine::RevisionGraph& graph,
                             bool mutating) {
  DatabaseSession session;
  session.connection = std::make_unique<engine::Connection>(options.databaseUrl());
  session.migrator = std::make_unique<engine::Migrator>(
      *session.connection, graph, versionTableName(options), runOptions(options));
  session.migrator->begin(mutating);
  logContext();
  return session;
}

bool atAllHeads(std::vector<std::string> rows, const engine::RevisionGraph& graph) {
  std::vector<std::string> heads;
  for (engine::RevisionIndex head : graph.heads()) heads.push_back(graph.id(head));
  std::sort(rows.begin(), rows.end());
  std::sort(heads.begin(), heads.end());
  return rows == heads;
}

void logContext() {
  engine::Log::info("retort.runtime.migration", "Context impl PostgresqlImpl.");
  engine::Log::info("retort.runtime.migration", "Will assume transactional DDL.");
}

void printWarnings(const engine::RevisionResolver& resolver) {
  for (const auto& warning : resolver.warnings())
    std::cerr << "UserWarning: " << warning << std::endl;
}

}  // namespace retort::cli
