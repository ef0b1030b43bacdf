#include "cli/context.hpp"

#include <iostream>

#include "engine/log.hpp"

namespace retort::cli {

engine::ScriptDirectory loadScripts(const GlobalOptions& options) {
  return engine::ScriptDirectory::load(options.scriptLocation);
}

std::unique_ptr<engine::Connection> connect(const GlobalOptions& options) {
  return std::make_unique<engine::Connection>(options.databaseUrl());
}

engine::VersionTableName versionTableName(const GlobalOptions& options) {
  return {options.versionTable, options.versionTableSchema};
}

engine::RunOptions runOptions(const GlobalOptions& options) {
  return {options.lockTimeout, options.statementTimeout};
}

DatabaseSession openDatabase(const GlobalOptions& options, const engine::RevisionGraph& graph,
                             bool mutating) {
  DatabaseSession session;
  session.connection = connect(options);
  session.migrator = std::make_unique<engine::Migrator>(
      *session.connection, graph, versionTableName(options), runOptions(options));
  session.migrator->begin(mutating);
  logContext();
  return session;
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
