// `retort plan TARGET [--json] [--from REV...]`: what `upgrade` or `downgrade` to TARGET would
// run, without running it. The direction is worked out from the database's rows (or --from).
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "cli/migration_flow.hpp"
#include "engine/lint/plan_annotation.hpp"
#include "engine/revision/plan.hpp"
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
  engine::Plan plan = engine::planMigration(resolver, rows, args.target);
  engine::lint::annotatePlan(plan, graph);
  printWarnings(resolver);

  nlohmann::json out;
  out["direction"] = engine::toString(plan.direction);
  out["current"] = rows;
  out["target"] = args.target;
  out["planHash"] = engine::planHash(plan);
  out["steps"] = nlohmann::json::array();
  for (const engine::PlannedStep& planned : plan.steps) {
    const engine::MigrationStep& step = planned.step;
    const engine::Script& script = graph.script(step.revision);
    const engine::SqlSection* section =
        step.isUpgrade() ? &script.upgrade : (script.downgrade ? &*script.downgrade : nullptr);
    nlohmann::json entry;
    entry["revision"] = script.revision;
    entry["operation"] = step.isUpgrade() ? "upgrade" : "downgrade";
    entry["from"] = step.fromRevisions(graph);
    entry["to"] = step.toRevisions(graph);
    entry["message"] = script.message;
    entry["path"] = planned.file;
    entry["transactional"] = script.transactional;
    entry["statements"] =
        section ? engine::splitStatements(*section, script.path.string()).size() : 0;
    entry["hasDowngrade"] = script.downgrade.has_value();
    entry["checksum"] = planned.checksum;
    entry["findings"] = engine::lint::toJson(planned.findings);
    entry["dataLoss"] = planned.dataLoss;
    out["steps"].push_back(entry);
  }
  out["dataLoss"] = plan.dataLoss();
  if (args.json) {
    std::cout << out.dump(2) << std::endl;
    return;
  }
  if (plan.empty()) {
    std::cout << "Nothing to do: the database is already at " << args.target << ".\n";
    return;
  }
  std::cout << "Plan: " << engine::toString(plan.direction) << " in " << plan.steps.size()
            << " step(s)\n";
  for (size_t n = 0; n < plan.steps.size(); ++n) {
    const engine::MigrationStep& step = plan.steps[n].step;
    const engine::Script& script = graph.script(step.revision);
    std::cout << "  " << n + 1 << ". " << step.longLog(graph) << "\n     " << script.path.string()
              << (script.transactional ? "" : "  (not transactional)") << "\n";
    for (const auto& f : plan.steps[n].findings)
      std::cout << "     " << engine::lint::formatFinding(f) << "\n";
  }
  if (plan.dataLoss())
    std::cout << "This plan can lose data (unacknowledged data-loss findings above).\n";
  std::cout << "Plan hash: " << engine::planHash(plan) << "\n";
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
