// `retort backup [--backup-dir DIR] [--backup-keep N]`: the backup `retort run` takes before
// migrating, on its own (engine/backup). Prints the file, its size and sha256; exit 4 when it
// cannot be made or verified.
#include <iostream>

#include "cli/context.hpp"
#include "engine/backup/backup.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/log.hpp"

namespace retort::cli {
namespace {

struct BackupArgs {
  std::string directory = "backups";
  int keep = 0;
};

void runBackup(const GlobalOptions& options, const BackupArgs& args) {
  engine::ScriptDirectory scripts = loadScripts(options);
  std::string url = options.databaseUrl();
  engine::Connection connection(url);
  engine::Migrator migrator(connection, scripts.graph(), versionTableName(options),
                            runOptions(options));
  migrator.begin(false);
  engine::backup::BackupRequest request;
  request.databaseUrl = url;
  request.directory = args.directory;
  request.keep = args.keep;
  request.heads = migrator.currentRows();
  request.server = engine::backup::readServerFacts(connection);
  request.progress = [](const std::string& line) { engine::Log::info("retort.backup", line); };
  engine::backup::BackupResult result = engine::backup::takeBackup(request);
  std::cout << result.file.string() << "\n  bytes: " << result.bytes
            << "\n  sha256: " << result.sha256 << "\n  dump seconds: " << result.seconds
            << "\n  verify seconds: " << result.verifySeconds << "\n";
  for (const auto& pruned : result.pruned) std::cout << "  pruned: " << pruned.string() << "\n";
}

void install(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<BackupArgs>();
  CLI::App* cmd = app.add_subcommand("backup", "Back the database up with pg_dump, verified.");
  cmd->add_option("--backup-dir", args->directory, "Directory for backups (default: backups)");
  cmd->add_option("--backup-keep", args->keep, "Backups of this database to keep (0: keep all)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&options, args] { runBackup(options, *args); });
}

}  // namespace
RETORT_COMMAND(backup, install);
}  // namespace retort::cli
