#include "cli/context.hpp"

#include <algorithm>
#include <iostream>

#include "engine/util/log.hpp"

namespace retort::cli {

engine::ScriptDirectory loadScripts(const GlobalOptions& options) {
  return engine::ScriptDirectory::load(options.scriptLocation);
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
