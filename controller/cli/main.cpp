// The `retort` binary: Alembic's commands plus Retort's own, one subcommand per verb.
// Exit codes follow Alembic for its commands: 0 success, 255 for a command error
// ("FAILED: ..."), 1 for a failed migration or a database error; each engine::Error carries
// its own code (DESIGN.md section 5 for run, backup and restore).
#include <cstdlib>
#include <iostream>
#include <map>

#include "cli/command.hpp"
#include "cli/version_table_option.hpp"
#include "engine/runtime/connection.hpp"
#include "engine/runtime/migrator.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/log.hpp"

namespace retort::cli {

namespace {

std::map<std::string, CommandInstaller>& registry() {
  static std::map<std::string, CommandInstaller> commands;
  return commands;
}

int exitCode = 0;

}  // namespace

bool registerCommand(const std::string& name, CommandInstaller installer) {
  registry().emplace(name, std::move(installer));
  return true;
}

void setExitCode(int code) {
  exitCode = code;
}

std::string GlobalOptions::databaseUrl() const {
  if (!url.empty()) return url;
  if (const char* env = std::getenv("DATABASE_URL"); env && *env) return env;
  return "";  // libpq falls back to PGHOST, PGDATABASE, ...
}

}  // namespace retort::cli

int main(int argc, char** argv) {
  using namespace retort;
  CLI::App app{"retort: PostgreSQL schema migrations, compatible with Alembic"};
  app.set_version_flag("--version", std::string("retort ") + RETORT_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the verb: `retort upgrade head -q`
  cli::GlobalOptions options;
  app.add_option("-d,--directory", options.scriptLocation, "Script location (default: migrations)");
  app.add_option("-c,--config", options.config,
                 "An Alembic project's alembic.ini (also found as DIR/alembic.ini)");
  app.add_option("--url", options.url,
                 "libpq connection URI (default: $DATABASE_URL, then PG* variables)");
  app.add_option("--version-table", options.versionTable,
                 "Version table name (default: alembic_version)")
      ->check([](const std::string& name) { return cli::versionTableNameProblem(name); });
  app.add_option("--version-table-schema", options.versionTableSchema,
                 "Schema of the version table");
  app.add_option("--lock-timeout", options.lockTimeout,
                 "lock_timeout for migration sessions, e.g. 5s");
  app.add_option("--lock-retries", options.lockRetries,
                 "Run a transactional step that hit the lock timeout again, up to N more times, "
                 "with backoff (default 0)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--statement-timeout", options.statementTimeout,
                 "statement_timeout for migration sessions");
  app.add_flag("-q,--quiet", options.quiet, "Do not log INFO lines");
  for (auto& [name, install] : cli::registry()) install(app, options);
  app.parse_complete_callback([&] { engine::Log::setQuiet(options.quiet); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors exit 2, like Alembic's argparse and DESIGN.md section 5.
    int code = app.exit(e);
    return code == 0 ? 0 : engine::RunExit::Usage;
  } catch (const engine::Error& e) {
    // The error says how it is shown and which code the process ends with (Alembic's 255 for
    // its command errors, DESIGN.md section 5's codes for run, backup and restore).
    if (e.style() == engine::Error::Style::Failed) {
      std::cerr << "FAILED: " << e.what() << std::endl;
    } else {
      engine::Log::error("retort", e.what());
    }
    if (!e.hint().empty()) std::cerr << "  hint: " << e.hint() << std::endl;
    return e.exitCode();
  } catch (const engine::MigrationFailed& e) {
    // A failed step or query is not an engine::Error (the runtime's own types): Alembic exits 1.
    engine::Log::error("retort.runtime.migration", e.what());
    return 1;
  } catch (const engine::DatabaseError& e) {
    engine::Log::error("retort.runtime.migration", e.what());
    return 1;
  } catch (const std::exception& e) {
    engine::Log::error("retort", e.what());
    return 1;
  }
  return cli::exitCode;
}
