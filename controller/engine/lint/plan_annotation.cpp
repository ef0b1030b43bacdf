#include "engine/lint/plan_annotation.hpp"

#include "engine/lint/linter.hpp"

namespace retort::engine::lint {

void annotatePlan(Plan& plan, const RevisionGraph& graph) {
  if (plan.steps.empty()) return;
  // Lint every script once (upgrade order, so the catalog knows what earlier steps made), then
  // keep the findings of the sections this plan runs.
  std::vector<Finding> findings = lintScripts(graph, {.downgrade = true});
  for (PlannedStep& step : plan.steps) {
    const char* section = step.isUpgrade() ? "upgrade" : "downgrade";
    for (const Finding& f : findings) {
      if (f.file != step.file || !(f.section == section || f.section.empty())) continue;
      step.findings.push_back(f);
      step.dataLoss = step.dataLoss || (f.category == Category::DataLoss && !f.acknowledged);
    }
  }
}

}  // namespace retort::engine::lint
