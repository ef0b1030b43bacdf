// `retort resolve REV (--applied | --not-applied)`: records a human's verdict on a
// `transactional: false` step that was interrupted after some of its statements committed.
// Retort cannot know how far a killed statement got, so it refuses to run scripts until
// someone has looked: --applied makes the step's version change now, --not-applied records
// the step as not run (after the human undid its effects), and the next upgrade runs it.
#include <iostream>

#include "cli/context.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/log.hpp"

namespace retort::cli {
namespace {

struct ResolveOptions {
  std::string revision;
  bool applied = false;
  bool notApplied = false;
};

void runResolve(const GlobalOptions& options, const ResolveOptions& args) {
  if (args.applied == args.notApplied) {
    throw engine::CommandError("Say what the interrupted step did: --applied or --not-applied");
  }
  engine::ScriptDirectory scripts = loadScripts(options);
  DatabaseSession session = openDatabase(options, scripts.graph(), true);
  engine::HistoryTable& history = session.migrator->historyTable();
  std::optional<engine::HistoryTable::InterruptedStep> step = history.interruptedStep();
  if (!step || step->revision.rfind(args.revision, 0) != 0 || args.revision.empty()) {
    throw engine::CommandError("No interrupted step for revision '" + args.revision + "'" +
                               (step ? "; the interrupted one is " + step->revision : ""));
  }
  history.resolveStep(*step, args.applied);
  engine::Log::info("retort.runtime.migration",
                    "Resolved the interrupted " + step->operation + " of " + step->revision +
                        (args.applied ? " as applied." : " as not applied."));
}

void install(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<ResolveOptions>();
  CLI::App* cmd = app.add_subcommand(
      "resolve", "Record whether an interrupted non-transactional step took effect.");
  cmd->add_option("revision", args->revision, "the interrupted revision")->required();
  cmd->add_flag("--applied", args->applied,
                "its effects are all in the database: make its version change now");
  cmd->add_flag("--not-applied", args->notApplied,
                "its effects were undone: record it as not run, so the next upgrade runs it");
  cmd->callback([&options, args] { runResolve(options, *args); });
}

}  // namespace
RETORT_COMMAND(resolve, install);
}  // namespace retort::cli
