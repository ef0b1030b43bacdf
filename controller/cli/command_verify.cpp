// `retort verify`: every applied revision whose script changed since it was applied, judged
// by the checksum the history table recorded when it ran.
#include <iostream>
#include <map>

#include "cli/context.hpp"
#include "engine/revision/revision_errors.hpp"
#include "engine/util/errors.hpp"

namespace retort::cli {
namespace {

void runVerify(const GlobalOptions& options) {
  engine::ScriptDirectory scripts = loadScripts(options);
  const engine::RevisionGraph& graph = scripts.graph();
  DatabaseSession session = openDatabase(options, graph, false);
  engine::Migrator& migrator = *session.migrator;
  std::vector<std::string> rows = migrator.currentRows();
  engine::RevisionResolver resolver(graph);
  engine::RevisionSet current =
      engine::translateRevisionErrors({}, [&] { return resolver.getRevisions(rows); });
  std::vector<char> applied =
      graph.ancestors(current, engine::RevisionGraph::Edges::ParentsAndDependencies);
  std::map<std::string, engine::HistoryTable::AppliedChecksum> recorded;
  for (auto& entry : migrator.historyTable().lastUpgradeChecksums())
    recorded.emplace(entry.revision, entry);

  int checked = 0, changed = 0, unrecorded = 0;
  for (engine::RevisionIndex i : engine::RevisionGraph::toList(applied)) {
    const engine::Script& script = graph.script(i);
    auto it = recorded.find(script.revision);
    if (it == recorded.end()) {
      ++unrecorded;
      continue;
    }
    ++checked;
    std::string now = engine::scriptChecksum(script.content);
    if (now != it->second.checksum) {
      ++changed;
      std::cout << "Checksum mismatch for revision " << script.revision << " ("
                << script.path.string() << "): applied " << it->second.checksum.substr(0, 12)
                << " at " << it->second.appliedAt << ", file is now " << now.substr(0, 12) << "\n";
    }
  }
  std::cout << "Verified " << checked << " applied revision(s)";
  if (unrecorded)
    std::cout << "; " << unrecorded
              << " applied without a recorded checksum (stamped or run by another tool)";
  std::cout << ".\n";
  if (changed)
    throw engine::CommandError(std::to_string(changed) +
                               " applied script(s) changed since they were applied");
}

void install(CLI::App& app, GlobalOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "verify", "Check that applied scripts have not changed since they were applied.");
  cmd->callback([&options] { runVerify(options); });
}

}  // namespace
RETORT_COMMAND(verify, install);
}  // namespace retort::cli
