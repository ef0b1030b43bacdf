// `retort restore FILE [--clean] [--yes]`: checks the backup's sha256 against its sidecar,
// restores it with pg_restore (into an empty database, or with --clean over the existing
// one, which needs --yes), then checks the version table holds the heads the sidecar recorded.
#include <algorithm>
#include <iostream>

#include "cli/context.hpp"
#include "engine/backup/backup.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/log.hpp"
#include "engine/util/text.hpp"

namespace retort::cli {
namespace {

struct RestoreArgs {
  std::string file;
  bool clean = false;
  bool yes = false;
};

bool databaseIsEmpty(engine::Connection& connection) {
  return connection
             .exec(
                 "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
                 "AND n.nspname NOT LIKE 'pg_temp%' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')")
             .value(0, 0) == "0";
}

void runRestore(const GlobalOptions& options, const RestoreArgs& args) {
  engine::ScriptDirectory scripts = loadScripts(options);
  std::string url = options.databaseUrl();
  // Check the file before touching the database.
  engine::backup::Sidecar sidecar = engine::backup::readSidecar(args.file);
  {
    engine::Connection connection(url);
    if (!databaseIsEmpty(connection)) {
      if (!args.clean)
        throw engine::BackupError(
            "the database is not empty; restore into an empty database, "
            "or pass --clean --yes to replace what the backup holds");
      if (!args.yes)
        throw engine::BackupError(
            "--clean replaces the objects of a non-empty database; "
            "pass --yes to confirm");
    }
  }
  engine::Log::info("retort.restore", "Restoring " + args.file + " ...");
  engine::backup::RestoreRequest request;
  request.databaseUrl = url;
  request.file = args.file;
  request.clean = args.clean;
  engine::backup::restoreBackup(request);
  engine::Connection connection(url);
  engine::Migrator migrator(connection, scripts.graph(), versionTableName(options),
                            runOptions(options));
  migrator.begin(false);
  std::vector<std::string> rows = migrator.currentRows(), expected = sidecar.heads;
  std::sort(rows.begin(), rows.end());
  std::sort(expected.begin(), expected.end());
  if (rows != expected) {
    throw engine::BackupError("after the restore the version table holds [" + engine::join(rows) +
                              "], the backup recorded [" + engine::join(expected) + "]");
  }
  std::cout << "Restored " << args.file << " at [" << engine::join(rows) << "]\n";
}

void install(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<RestoreArgs>();
  CLI::App* cmd = app.add_subcommand("restore", "Restore a backup taken by backup or run.");
  cmd->add_option("file", args->file, "the backup file (its .json sidecar beside it)")->required();
  cmd->add_flag("--clean", args->clean, "Drop the backup's objects before restoring them");
  cmd->add_flag("--yes", args->yes, "Confirm replacing a non-empty database");
  cmd->callback([&options, args] { runRestore(options, *args); });
}

}  // namespace
RETORT_COMMAND(restore, install);
}  // namespace retort::cli
