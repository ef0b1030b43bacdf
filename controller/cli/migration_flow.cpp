#include "cli/migration_flow.hpp"

#include <iostream>

#include "cli/context.hpp"
#include "engine/revision/plan.hpp"
#include "engine/revision/revision_errors.hpp"
#include "engine/runtime/offline_sql.hpp"
#include "engine/script/alembic_project.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/log.hpp"

namespace retort::cli {

std::vector<std::string> offlineStartingRows(const engine::RevisionResolver& resolver,
                                             const std::string& start) {
  std::vector<std::string> rows;
  if (start.empty() || start == "base") return rows;
  for (engine::RevisionIndex i :
       engine::translateRevisionErrors({}, [&] { return resolver.getRevisions(start); })) {
    rows.push_back(resolver.graph().id(i));
  }
  return rows;
}

void runMigration(const GlobalOptions& options, Direction direction, const std::string& targetArg,
                  bool sql) {
  std::string target = targetArg, start;
  if (size_t colon = targetArg.find(':'); colon != std::string::npos) {
    if (!sql) throw engine::CommandError("Range revision not allowed");
    start = targetArg.substr(0, colon);
    target = targetArg.substr(colon + 1);
  } else if (sql && direction == Direction::Downgrade) {
    throw engine::CommandError("downgrade with --sql requires <fromrev>:<torev>");
  }
  engine::ScriptDirectory scripts = loadScripts(options);
  const engine::RevisionGraph& graph = scripts.graph();
  engine::RevisionResolver resolver(graph);
  if (sql) {
    logContext();
    engine::Log::info("retort.runtime.migration", "Generating static SQL");
    std::vector<std::string> rows = offlineStartingRows(resolver, start);
    std::vector<engine::MigrationStep> steps = engine::planSteps(resolver, direction, rows, target);
    printWarnings(resolver);
    engine::refuseUnconvertedSteps(graph, steps);
    engine::writeOfflineSql(std::cout, graph, steps, rows, versionTableName(options));
    return;
  }
  DatabaseSession session = openDatabase(options, graph, true);
  engine::Migrator& migrator = *session.migrator;
  std::vector<std::string> rows = migrator.currentRows();
  std::vector<engine::MigrationStep> steps = engine::planSteps(resolver, direction, rows, target);
  printWarnings(resolver);
  engine::refuseUnconvertedSteps(graph, steps);
  migrator.run(steps, rows);
}

}  // namespace retort::cli
