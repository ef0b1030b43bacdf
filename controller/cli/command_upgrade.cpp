// `retort upgrade TARGET [--sql]` and `retort downgrade TARGET [--sql]`.
#include "cli/migration_flow.hpp"

namespace retort::cli {
namespace {

struct MoveOptions {
  std::string target;
  bool sql = false;
};

void installMove(CLI::App& app, GlobalOptions& options, Direction direction) {
  auto args = std::make_shared<MoveOptions>();
  bool up = direction == Direction::Upgrade;
  CLI::App* cmd =
      app.add_subcommand(up ? "upgrade" : "downgrade",
                         up ? "Upgrade to a later version." : "Revert to a previous version.");
  cmd->add_option("revision", args->target, "revision identifier")->required();
  cmd->add_flag("--sql", args->sql, "Don't emit SQL to database - dump to standard output instead");
  cmd->callback(
      [&options, args, direction] { runMigration(options, direction, args->target, args->sql); });
}

void installUpgrade(CLI::App& app, GlobalOptions& options) {
  installMove(app, options, Direction::Upgrade);
}
void installDowngrade(CLI::App& app, GlobalOptions& options) {
  installMove(app, options, Direction::Downgrade);
}

}  // namespace
RETORT_COMMAND(upgrade, installUpgrade);
RETORT_COMMAND(downgrade, installDowngrade);
}  // namespace retort::cli
