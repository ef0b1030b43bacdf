// `retort check [--schema FILE] [--scratch-url URL] [--json]`: Alembic's check. Compares the
// database, which must be at the scripts' head, with the desired schema (schema.sql in the
// script location) and fails listing the differences, or prints
// `No new upgrade operations detected.`.
#include <iostream>

#include "cli/context.hpp"
#include "cli/desired_schema_options.hpp"
#include "engine/schema/check_report.hpp"
#include "engine/util/errors.hpp"

namespace retort::cli {
namespace {

struct CheckOptions {
  DesiredSchemaOptions desired;
  bool json = false;
};

void runCheck(const GlobalOptions& options, const CheckOptions& args) {
  engine::ScriptDirectory scripts = loadScripts(options);
  DatabaseSession session = openDatabase(options, scripts.graph(), false);
  requireAllHeads(*session.migrator, scripts.graph());
  engine::schema::SchemaDiff difference =
      engine::schema::compareWithDesired(*session.connection, args.desired.source(options));
  bool upToDate = engine::schema::describeChanges(difference).empty();
  if (args.json) {
    std::cout << engine::schema::checkJson(difference).dump(2) << std::endl;
    if (!upToDate) setExitCode(255);
    return;
  }
  if (!upToDate) throw engine::CommandError(engine::schema::newOperationsMessage(difference));
  std::cout << engine::schema::kNoNewOperations << std::endl;
}

void install(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Check if revision command with autogenerate has pending upgrade ops.");
  args->desired.addTo(*cmd);
  cmd->add_flag("--json", args->json, "Print the result as JSON");
  cmd->callback([&options, args] { runCheck(options, *args); });
}

}  // namespace
RETORT_COMMAND(check, install);
}  // namespace retort::cli
