// `retort current [-v] [--check-heads]`: the revisions the database is at.
#include <iostream>

#include "cli/context.hpp"
#include "cli/revision_format.hpp"
#include "engine/revision/revision_errors.hpp"
#include "engine/util/errors.hpp"

namespace retort::cli {
namespace {

struct CurrentOptions {
  bool verbose = false;
  bool checkHeads = false;
};

void runCurrent(const GlobalOptions& options, const CurrentOptions& args) {
  engine::ScriptDirectory scripts = loadScripts(options, engine::SectionScan::Skipped);
  const engine::RevisionGraph& graph = scripts.graph();
  DatabaseSession session = openDatabase(options, graph, false);
  engine::Migrator& migrator = *session.migrator;
  std::vector<std::string> rows = migrator.currentRows();
  if (args.verbose) {
    std::cout << "Current revision(s) for " << engine::obfuscatePassword(options.databaseUrl())
              << ":\n";
  }
  engine::RevisionResolver resolver(graph);
  engine::translateRevisionErrors({}, [&] {
    if (args.checkHeads && !atAllHeads(rows, graph)) {
      throw engine::CommandError("Database is not on all head revisions");
    }
    for (engine::RevisionIndex i : resolver.allCurrent(rows)) {
      std::cout << formatRevision(graph, i, args.verbose, {}) << "\n";
    }
    return 0;
  });
}

void install(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<CurrentOptions>();
  CLI::App* cmd = app.add_subcommand("current", "Display the current revision for a database.");
  cmd->add_flag("-v,--verbose", args->verbose, "Use more verbose output");
  cmd->add_flag("-c,--check-heads", args->checkHeads,
                "Fail unless the database is on all head revisions");
  cmd->callback([&options, args] { runCurrent(options, *args); });
}

}  // namespace
RETORT_COMMAND(current, install);
}  // namespace retort::cli
