#include "engine/script/alembic_run.hpp"

#include <sstream>

#include "engine/script/alembic_project.hpp"

namespace retort::engine {

namespace {

const RenderedStep* renderedFor(const RenderedSteps& steps, const std::string& revision) {
  auto found = steps.find(revision);
  return found == steps.end() ? nullptr : &found->second;
}

}  // namespace

std::vector<Script> scriptsWithRenderedSql(const RevisionGraph& graph,
                                           const RenderedSteps& upgrades,
                                           const RenderedSteps& downgrades) {
  std::vector<Script> scripts;
  scripts.reserve(graph.size());
  for (RevisionIndex i = 0; i < static_cast<RevisionIndex>(graph.size()); ++i) {
    Script script = graph.script(i);
    if (isAlembicPythonScript(script)) {
      if (const RenderedStep* up = renderedFor(upgrades, script.revision); up && up->renderable)
        script.upgrade = SqlSection::owning(up->sql, 1);
      if (const RenderedStep* down = renderedFor(downgrades, script.revision);
          down && down->renderable)
        script.downgrade = SqlSection::owning(down->sql, 1);
    }
    scripts.push_back(std::move(script));
  }
  return scripts;
}

void markUnrenderedSteps(Plan& plan, const RevisionGraph& graph, const RenderedSteps& rendered) {
  for (PlannedStep& step : plan.steps) {
    if (step.step.kind == MigrationStep::Kind::Stamp || step.step.revision < 0) continue;
    const Script& script = graph.script(step.step.revision);
    if (!isAlembicPythonScript(script)) continue;
    const RenderedStep* found = renderedFor(rendered, step.revision);
    if (found && found->renderable) continue;
    lint::Finding finding;
    finding.ruleId = "alembic-unrendered";
    finding.severity = lint::Severity::Warning;
    finding.category = lint::Category::DataLoss;
    finding.file = script.path.string();
    finding.line = found ? found->line : 0;
    finding.section = step.isUpgrade() ? "upgrade" : "downgrade";
    finding.message = "Alembic's offline mode could not render this step (" +
                      (found ? found->reason : std::string("no SQL was rendered for it")) +
                      "), so lint cannot tell whether it loses data";
    step.findings.push_back(finding);
    step.dataLoss = true;
  }
}

std::optional<AlembicStepFailure> parseAlembicStepFailure(const std::string& stderrText) {
  std::optional<AlembicStepFailure> failure;
  std::istringstream in(stderrText);
  std::string line;
  const std::string marker = "retort:failed ";
  while (std::getline(in, line)) {
    if (line.rfind(marker, 0) != 0) continue;
    std::istringstream words(line.substr(marker.size()));
    AlembicStepFailure f;
    std::string sqlstate;
    if (!(words >> f.line >> sqlstate)) continue;
    f.sqlstate = sqlstate == "-" ? "" : sqlstate;
    std::getline(words >> std::ws, f.message);
    failure = f;
  }
  return failure;
}

}  // namespace retort::engine
