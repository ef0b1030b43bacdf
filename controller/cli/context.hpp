// What most commands need before they can work: the script directory, a database
// connection, and the version table's name, built from the global options.
#pragma once

#include <memory>
#include <optional>

#include "cli/command.hpp"
#include "engine/revision/revision_resolver.hpp"
#include "engine/runtime/connection.hpp"
#include "engine/runtime/migrator.hpp"
#include "engine/script/alembic_ini.hpp"
#include "engine/script/script_directory.hpp"

namespace retort::cli {

// `-c alembic.ini`, or an alembic.ini in the script location: the Alembic project to read.
std::optional<engine::AlembicIni> alembicProject(const GlobalOptions& options);
// `scan`: engine::SectionScan::Skipped for commands that never send or print a script's SQL.
engine::ScriptDirectory loadScripts(const GlobalOptions& options,
                                    engine::SectionScan scan = engine::SectionScan::Checked);
engine::VersionTableName versionTableName(const GlobalOptions& options);
engine::RunOptions runOptions(const GlobalOptions& options);

// A command's database session: the connection, and the migrator over it after begin().
struct DatabaseSession {
  std::unique_ptr<engine::Connection> connection;
  std::unique_ptr<engine::Migrator> migrator;
};
// Connects, applies the session settings, takes the migration lock when `mutating`, and logs
// Alembic's context lines.
DatabaseSession openDatabase(const GlobalOptions& options, const engine::RevisionGraph& graph,
                             bool mutating);

// True when the version rows are exactly the scripts' heads (in any order).
bool atAllHeads(std::vector<std::string> rows, const engine::RevisionGraph& graph);

// Alembic's first two log lines of every command that talks to the database.
void logContext();

// Prints warnings the resolver collected (Alembic's UserWarnings) to stderr.
void printWarnings(const engine::RevisionResolver& resolver);

}  // namespace retort::cli
