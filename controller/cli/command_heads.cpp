// `retort heads [-v] [--resolve-dependencies]`: the revisions nothing builds on.
#include <iostream>

#include "cli/context.hpp"
#include "cli/revision_format.hpp"

namespace retort::cli {
namespace {

struct HeadsOptions {
  bool verbose = false;
  bool resolveDependencies = false;
};

void runHeads(const GlobalOptions& options, const HeadsOptions& args) {
  engine::ScriptDirectory scripts = loadScripts(options, engine::SectionScan::Skipped);
  const engine::RevisionGraph& graph = scripts.graph();
  const engine::RevisionSet& heads = args.resolveDependencies ? graph.realHeads() : graph.heads();
  LineFormat format;
  format.includeBranches = true;
  format.treeIndicators = false;
  for (engine::RevisionIndex h : heads)
    std::cout << formatRevision(graph, h, args.verbose, format) << "\n";
}

void install(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<HeadsOptions>();
  CLI::App* cmd =
      app.add_subcommand("heads", "Show current available heads in the script directory.");
  cmd->add_flag("-v,--verbose", args->verbose, "Use more verbose output");
  cmd->add_flag("--resolve-dependencies", args->resolveDependencies,
                "Treat dependency versions as down revisions");
  cmd->callback([&options, args] { runHeads(options, *args); });
}

}  // namespace
RETORT_COMMAND(heads, install);
}  // namespace retort::cli
