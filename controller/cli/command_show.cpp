// `retort show REV`: the full entry of one or more revisions (or of `current`).
#include <iostream>

#include "cli/context.hpp"
#include "cli/revision_format.hpp"
#include "engine/revision/revision_errors.hpp"

namespace retort::cli {
namespace {

void runShow(const GlobalOptions& options, const std::string& rev) {
  engine::ScriptDirectory scripts = loadScripts(options, engine::SectionScan::Skipped);
  const engine::RevisionGraph& graph = scripts.graph();
  engine::RevisionResolver resolver(graph);
  engine::RevisionSet revisions;
  if (rev == "current") {
    DatabaseSession session = openDatabase(options, graph, false);
    engine::Migrator& migrator = *session.migrator;
    std::vector<std::string> rows = migrator.currentRows();
    revisions = engine::translateRevisionErrors({}, [&] { return resolver.getRevisions(rows); });
  } else {
    revisions = engine::translateRevisionErrors({}, [&] { return resolver.getRevisions(rev); });
  }
  for (engine::RevisionIndex i : revisions) std::cout << formatLogEntry(graph, i) << "\n";
}

void install(CLI::App& app, GlobalOptions& options) {
  auto rev = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("show", "Show the revision(s) denoted by the given symbol.");
  cmd->add_option("rev", *rev, "string symbol of revision")->required();
  cmd->callback([&options, rev] { runShow(options, *rev); });
}

}  // namespace
RETORT_COMMAND(show, install);
}  // namespace retort::cli
