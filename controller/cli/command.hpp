// How subcommands plug into the `retort` binary: each verb lives in its own
// command_<verb>.cpp and registers a function that adds a CLI11 subcommand. Global options
// (script location, database URL, version table) are parsed once and shared with every verb.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace retort::cli {

struct GlobalOptions {
  std::string scriptLocation = "migrations";
  std::string config;  // -c: an Alembic project's alembic.ini (alembic_project.hpp)
  std::string url;     // empty: $DATABASE_URL, then libpq's PG* variables
  std::string versionTable = "alembic_version";
  std::string versionTableSchema;
  std::string lockTimeout;       // PostgreSQL interval text, e.g. "5s"; empty: server default
  std::string statementTimeout;  // likewise
  int lockRetries = 0;           // new tries of a step that hit lock_timeout (engine/runtime)
  bool quiet = false;

  // The URL to connect with, after applying the defaults above.
  std::string databaseUrl() const;
};

// Adds one subcommand to `app`. The subcommand's callback does the work; it may throw
// engine::CommandError (printed as "FAILED: ...", exit 255) or other errors (exit 1).
using CommandInstaller = std::function<void(CLI::App& app, GlobalOptions& options)>;

bool registerCommand(const std::string& name, CommandInstaller installer);

// Registration from a command's own .cpp file, at static-initialisation time.
#define RETORT_COMMAND(name, installer)                \
  static const bool retort_command_registered_##name = \
      ::retort::cli::registerCommand(#name, installer)

// Exit status a subcommand's callback wants (callbacks cannot return a value through CLI11).
void setExitCode(int code);

}  // namespace retort::cli
