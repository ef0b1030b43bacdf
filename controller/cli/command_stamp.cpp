// `retort stamp REV... [--sql] [--purge]`: set the version table without running scripts.
#include <iostream>

#include "cli/context.hpp"
#include "cli/migration_flow.hpp"
#include "engine/revision/revision_errors.hpp"
#include "engine/revision/stamp_plan.hpp"
#include "engine/runtime/offline_sql.hpp"
#include "engine/util/errors.hpp"

namespace retort::cli {
namespace {

struct StampOptions {
  std::vector<std::string> revisions;
  bool sql = false;
  bool purge = false;
};

void runStamp(const GlobalOptions& options, const StampOptions& args) {
  engine::ScriptDirectory scripts = loadScripts(options);
  const engine::RevisionGraph& graph = scripts.graph();
  engine::RevisionResolver resolver(graph);
  engine::RevisionErrorTexts texts;
  texts.multipleHeads = "Multiple heads are present; please specify a single target revision";
  std::vector<std::string> destinations;
  if (args.sql) {
    if (args.purge) throw engine::CommandError("Can't use --purge with --sql mode");
    std::string start;
    bool haveStart = false;
    for (const std::string& rev : args.revisions) {
      std::string dest = rev;
      if (size_t colon = rev.find(':'); colon != std::string::npos) {
        std::string from = rev.substr(0, colon);
        dest = rev.substr(colon + 1);
        if (haveStart && from != start) {
          throw engine::CommandError(
              "Stamp operation with --sql only supports a single starting revision at a time");
        }
        start = from;
        haveStart = true;
      }
      destinations.push_back(dest);
    }
    logContext();
    std::vector<std::string> rows = offlineStartingRows(resolver, start);
    auto steps = engine::translateRevisionErrors(
        texts, [&] { return engine::planStamp(graph, resolver, rows, destinations); });
    engine::writeOfflineSql(std::cout, graph, steps, rows, versionTableName(options));
    return;
  }
  DatabaseSession session = openDatabase(options, graph, true);
  engine::Migrator& migrator = *session.migrator;
  // With --purge the stamp starts from no rows (the table may hold ids no script knows);
  // planning happens before the purge so a bad destination leaves the table untouched.
  std::vector<std::string> rows = args.purge ? std::vector<std::string>{} : migrator.currentRows();
  auto steps = engine::translateRevisionErrors(
      texts, [&] { return engine::planStamp(graph, resolver, rows, args.revisions); });
  if (args.purge) migrator.purge();
  migrator.run(steps, rows);
}

void install(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<StampOptions>();
  CLI::App* cmd = app.add_subcommand(
      "stamp", "'stamp' the revision table with the given revision; don't run any migrations.");
  cmd->add_option("revisions", args->revisions, "revision identifier(s)")->required();
  cmd->add_flag("--sql", args->sql, "Don't emit SQL to database - dump to standard output instead");
  cmd->add_flag("--purge", args->purge, "Unconditionally erase the version table before stamping");
  cmd->callback([&options, args] { runStamp(options, *args); });
}

}  // namespace
RETORT_COMMAND(stamp, install);
}  // namespace retort::cli
