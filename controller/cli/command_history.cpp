// `retort history [-r RANGE] [-v] [-i]`: the revisions, newest first.
#include <iostream>

#include "cli/context.hpp"
#include "cli/revision_format.hpp"
#include "engine/revision/revision_errors.hpp"
#include "engine/util/errors.hpp"

namespace retort::cli {
namespace {

struct HistoryOptions {
  std::string range;
  bool verbose = false;
  bool indicateCurrent = false;
};

void runHistory(const GlobalOptions& options, const HistoryOptions& args) {
  std::string base, head;
  if (!args.range.empty()) {
    size_t colon = args.range.find(':');
    if (colon == std::string::npos) {
      throw engine::CommandError("History range requires [start]:[end], [start]:, or :[end]");
    }
    base = args.range.substr(0, colon);
    head = args.range.substr(colon + 1);
  }
  engine::ScriptDirectory scripts = loadScripts(options, engine::SectionScan::Skipped);
  const engine::RevisionGraph& graph = scripts.graph();
  std::vector<std::string> current;
  if (args.indicateCurrent || base == "current" || head == "current") {
    DatabaseSession session = openDatabase(options, graph, false);
    engine::Migrator& migrator = *session.migrator;
    current = migrator.currentRows();
  }
  std::vector<std::string> lower =
      base == "current" ? current : std::vector<std::string>{base.empty() ? "base" : base};
  std::vector<std::string> upper =
      head == "current" ? current : std::vector<std::string>{head.empty() ? "heads" : head};
  engine::RevisionResolver resolver(graph);
  engine::RevisionErrorTexts texts;
  texts.start = base.empty() ? "base" : base;
  texts.end = head.empty() ? "heads" : head;
  engine::RevisionSet order =
      engine::translateRevisionErrors(texts, [&] { return resolver.walkRevisions(lower, upper); });
  std::string out;
  for (engine::RevisionIndex i : order) {
    LineFormat format{true, true, true, true, true, false};
    format.current = args.indicateCurrent &&
                     std::find(current.begin(), current.end(), graph.id(i)) != current.end();
    out += formatRevision(graph, i, args.verbose, format) + "\n";
  }
  std::cout << out;
}

void install(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<HistoryOptions>();
  CLI::App* cmd = app.add_subcommand("history", "List changeset scripts in chronological order.");
  cmd->add_option("-r,--rev-range", args->range,
                  "Specify a revision range; format is [start]:[end]");
  cmd->add_flag("-v,--verbose", args->verbose, "Use more verbose output");
  cmd->add_flag("-i,--indicate-current", args->indicateCurrent, "Indicate the current revision");
  cmd->callback([&options, args] { runHistory(options, *args); });
}

}  // namespace
RETORT_COMMAND(history, install);
}  // namespace retort::cli
