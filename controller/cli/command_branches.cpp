// `retort branches [-v]`: every branch point and the revisions it branches into.
#include <iostream>

#include "cli/context.hpp"
#include "cli/revision_format.hpp"
#include "engine/revision/revision_resolver.hpp"

namespace retort::cli {
namespace {

void runBranches(const GlobalOptions& options, bool verbose) {
  engine::ScriptDirectory scripts = loadScripts(options, engine::SectionScan::Skipped);
  const engine::RevisionGraph& graph = scripts.graph();
  engine::RevisionResolver resolver(graph);
  LineFormat branchFormat;
  branchFormat.includeBranches = true;
  for (engine::RevisionIndex i : resolver.walkRevisions({"base"}, {"heads"})) {
    if (!graph.isBranchPoint(i)) continue;
    std::cout << formatRevision(graph, i, verbose, branchFormat) << "\n";
    const std::string indent(graph.id(i).size(), ' ');
    LineFormat childFormat = branchFormat;
    childFormat.includeDoc = verbose;
    for (size_t k = 0; k < graph.children(i).size(); ++k) {
      std::cout << indent << " -> " << formatRevisionLine(graph, graph.children(i)[k], childFormat)
                << (k + 1 < graph.children(i).size() ? "\n" : "");
    }
    std::cout << "\n\n";
  }
}

void install(CLI::App& app, GlobalOptions& options) {
  auto verbose = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("branches", "Show current branch points.");
  cmd->add_flag("-v,--verbose", *verbose, "Use more verbose output");
  cmd->callback([&options, verbose] { runBranches(options, *verbose); });
}

}  // namespace
RETORT_COMMAND(branches, install);
}  // namespace retort::cli
