// `retort plan TARGET [--json] [--from REV...]`: what `upgrade` or `downgrade` to TARGET would
// run, without running it. The direction is worked out from the database's rows (or --from).
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "cli/migration_flow.hpp"
#include "engine/lint/linter.hpp"
#include "engine/revision/revision_errors.hpp"
#include "engine/sql/statement_splitter.hpp"
#include "engine/util/errors.hpp"

namespace retort::cli {
namespace {

struct PlanOptions {
  std::string target;
  bool json = false;
  std::vector<std::string> from;
  bool offline = false;
};

// Upgrade when the target lies ahead (or is relative upward), downgrade when it lies behind.
std::pair<Direction, std::vector<engine::MigrationStep>> planEitherWay(
    const engine::RevisionResolver& resolver, const std::vector<std::string>& rows,
    const std::string& target) {
  if (auto rel = engine::parseRelativeTarget(target); rel && rel->symbol.empty()) {
    Direction d = rel->relative > 0 ? Direction::Upgrade : Direction::Downgrade;
    return {d, planSteps(resolver, d, rows, target)};
  }
  auto up = planSteps(resolver, Direction::Upgrade, rows, target);
  if (!up.empty() || target == "heads" || target == "head") return {Direction::Upgrade, up};
  try {
    return {Direction::Downgrade, planSteps(resolver, Direction::Downgrade, rows, target)};
  } catch (const engine::CommandError&) {
    return {Direction::Upgrade, up};
  }
}

void runPlan(const GlobalOptions& options, const PlanOptions& args) {
  engine::ScriptDirectory scripts = loadScripts(options);
  const engine::RevisionGraph& graph = scripts.graph();
  engine::RevisionResolver resolver(graph);
  std::vector<std::string> rows = args.from;
  if (!args.offline) {
    DatabaseSession session = openDatabase(options, graph, false);
    engine::Migrator& migrator = *session.migrator;
    rows = migrator.currentRows();
  } else {
    rows = offlineStartingRows(resolver, args.from.empty() ? "base" : args.from.front());
  }
  auto [direction, steps] = planEitherWay(resolver, rows, args.target);
  printWarnings(resolver);

  nlohmann::json plan;
  plan["direction"] = steps.empty()                     ? "none"
                      : direction == Direction::Upgrade ? "upgrade"
                                                        : "downgrade";
  plan["current"] = rows;
  plan["target"] = args.target;
  plan["steps"] = nlohmann::json::array();
  // Lint every script once (upgrade order, so the catalog knows what earlier steps made), then
  // keep the findings of the sections this plan runs.
  std::vector<engine::lint::Finding> findings;
  if (!steps.empty()) findings = engine::lint::lintScripts(graph, {.downgrade = true});
  auto findingsFor = [&](const engine::MigrationStep& step) {
    const std::string& path = graph.script(step.revision).path.string();
    const char* section = step.isUpgrade() ? "upgrade" : "downgrade";
    std::vector<engine::lint::Finding> mine;
    for (const auto& f : findings) {
      if (f.file == path && (f.section == section || f.section.empty())) mine.push_back(f);
    }
    return mine;
  };
  bool dataLoss = false;
  std::vector<std::vector<engine::lint::Finding>> findingsByStep;
  for (const engine::MigrationStep& step : steps) {
    const engine::Script& script = graph.script(step.revision);
    const engine::SqlSection* section =
        step.isUpgrade() ? &script.upgrade : (script.downgrade ? &*script.downgrade : nullptr);
    nlohmann::json entry;
    entry["revision"] = script.revision;
    entry["operation"] = step.isUpgrade() ? "upgrade" : "downgrade";
    entry["from"] = step.fromRevisions(graph);
    entry["to"] = step.toRevisions(graph);
    entry["message"] = script.message;
    entry["path"] = script.path.string();
    entry["transactional"] = script.transactional;
    entry["statements"] =
        section ? engine::splitStatements(*section, script.path.string()).size() : 0;
    entry["hasDowngrade"] = script.downgrade.has_value();
    entry["checksum"] = engine::scriptChecksum(script.content);
    const std::vector<engine::lint::Finding>& stepFindings =
        findingsByStep.emplace_back(findingsFor(step));
    for (const auto& f : stepFindings) {
      dataLoss = dataLoss || (f.category == engine::lint::Category::DataLoss && !f.acknowledged);
    }
    entry["findings"] = engine::lint::toJson(stepFindings);
    plan["steps"].push_back(entry);
  }
  plan["dataLoss"] = dataLoss;
  if (args.json) {
    std::cout << plan.dump(2) << std::endl;
    return;
  }
  if (steps.empty()) {
    std::cout << "Nothing to do: the database is already at " << args.target << ".\n";
    return;
  }
  std::cout << "Plan: " << plan["direction"].get<std::string>() << " in " << steps.size()
            << " step(s)\n";
  for (size_t n = 0; n < steps.size(); ++n) {
    const engine::MigrationStep& step = steps[n];
    const engine::Script& script = graph.script(step.revision);
    std::cout << "  " << n + 1 << ". " << step.longLog(graph) << "\n     " << script.path.string()
              << (script.transactional ? "" : "  (not transactional)") << "\n";
    for (const auto& f : findingsByStep[n])
      std::cout << "     " << engine::lint::formatFinding(f) << "\n";
  }
  if (dataLoss) std::cout << "This plan can lose data (unacknowledged data-loss findings above).\n";
}

void install(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<PlanOptions>();
  CLI::App* cmd =
      app.add_subcommand("plan", "Show the steps that would move the database to TARGET.");
  cmd->add_option("target", args->target, "revision identifier")->required();
  cmd->add_flag("--json", args->json, "Print the plan as JSON");
  auto* from = cmd->add_option("--from", args->from,
                               "Plan from these revisions instead of the database's rows");
  cmd->callback([&options, args, from] {
    PlanOptions resolved = *args;
    resolved.offline = from->count() > 0;
    runPlan(options, resolved);
  });
}

}  // namespace
RETORT_COMMAND(plan, install);
}  // namespace retort::cli
