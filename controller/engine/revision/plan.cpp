#include "engine/revision/plan.hpp"

#include <openssl/evp.h>

#include <algorithm>

#include "engine/revision/revision_errors.hpp"
#include "engine/revision/version_heads.hpp"
#include "engine/script/script_directory.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/sha256.hpp"

namespace retort::engine {
namespace {

Plan describe(const RevisionResolver& resolver, const std::vector<std::string>& rows,
              const std::string& target, Direction direction,
              const std::vector<MigrationStep>& steps) {
  const RevisionGraph& graph = resolver.graph();
  Plan plan;
  plan.fromHeads = rows;
  plan.target = target;
  plan.direction = steps.empty()                     ? Plan::Way::None
                   : direction == Direction::Upgrade ? Plan::Way::Upgrade
                                                     : Plan::Way::Downgrade;
  VersionHeads heads(graph, rows);
  for (const MigrationStep& step : steps) {
    const Script& script = graph.script(step.revision);
    PlannedStep planned;
    planned.step = step;
    planned.revision = script.revision;
    planned.file = script.path.string();
    planned.checksum = scriptChecksum(script.content);
    plan.steps.push_back(std::move(planned));
    heads.advance(step);
  }
  plan.toHeads = heads.rows();
  plan.targetIds = plan.toHeads;
  return plan;
}

}  // namespace

bool Plan::dataLoss() const {
  return std::any_of(steps.begin(), steps.end(), [](const PlannedStep& s) { return s.dataLoss; });
}

std::vector<MigrationStep> Plan::migrationSteps() const {
  std::vector<MigrationStep> out;
  for (const PlannedStep& s : steps) out.push_back(s.step);
  return out;
}

std::string toString(Plan::Way way) {
  switch (way) {
    case Plan::Way::Upgrade:
      return "upgrade";
    case Plan::Way::Downgrade:
      return "downgrade";
    case Plan::Way::None:
      break;
  }
  return "none";
}

std::vector<MigrationStep> planSteps(const RevisionResolver& resolver, Direction direction,
                                     const std::vector<std::string>& rows,
                                     const std::string& target) {
  RevisionErrorTexts texts;
  texts.end = target;
  texts.ancestor = direction == Direction::Upgrade
                       ? "Destination %(end)s is not a valid upgrade target from current head(s)"
                       : "Destination %(end)s is not a valid downgrade target from current head(s)";
  RevisionResolver::Plan plan = translateRevisionErrors(texts, [&] {
    return direction == Direction::Upgrade ? resolver.upgradePlan(rows, target)
                                           : resolver.downgradePlan(rows, target);
  });
  std::vector<MigrationStep> steps;
  for (RevisionIndex i : plan.order) {
    MigrationStep step;
    step.kind = direction == Direction::Upgrade ? MigrationStep::Kind::Upgrade
                                                : MigrationStep::Kind::Downgrade;
    step.revision = i;
    steps.push_back(step);
  }
  return steps;
}

Plan planMigration(const RevisionResolver& resolver, const std::vector<std::string>& rows,
                   const std::string& target, Direction direction) {
  return describe(resolver, rows, target, direction, planSteps(resolver, direction, rows, target));
}

Plan planMigration(const RevisionResolver& resolver, const std::vector<std::string>& rows,
                   const std::string& target) {
  std::optional<RelativeTarget> rel =
      translateRevisionErrors({}, [&] { return parseRelativeTarget(target); });
  if (rel && rel->symbol.empty()) {
    Direction d = rel->relative > 0 ? Direction::Upgrade : Direction::Downgrade;
    return planMigration(resolver, rows, target, d);
  }
  auto up = planSteps(resolver, Direction::Upgrade, rows, target);
  if (!up.empty() || target == "heads" || target == "head")
    return describe(resolver, rows, target, Direction::Upgrade, up);
  try {
    return planMigration(resolver, rows, target, Direction::Downgrade);
  } catch (const CommandError&) {
    return describe(resolver, rows, target, Direction::Upgrade, up);
  }
}

std::string planHash(const Plan& plan) {
  // One line per item, fields separated by a character no id or checksum contains.
  std::vector<std::string> heads = plan.fromHeads;
  std::sort(heads.begin(), heads.end());
  std::string text = "retort-plan-v1\nfrom";
  for (const std::string& h : heads) text += " " + h;
  text += "\n";
  for (const PlannedStep& s : plan.steps) {
    text += (s.isUpgrade() ? "upgrade " : "downgrade ") + s.revision + " " + s.checksum + "\n";
  }
  return "sha256:" + sha256Hex(text);
}

PolicyDecision decidePolicy(const Plan& plan, bool allowDowngrade, bool allowDataLoss) {
  if (plan.direction == Plan::Way::Downgrade && !allowDowngrade) {
    return {false, "DowngradeNotAllowed",
            "the plan downgrades " + std::to_string(plan.steps.size()) +
                " step(s) and --allow-downgrade was not given"};
  }
  if (!allowDataLoss) {
    std::vector<std::string> lossy;
    for (const PlannedStep& s : plan.steps)
      if (s.dataLoss) lossy.push_back(s.revision + " (" + s.file + ")");
    if (!lossy.empty()) {
      std::string list;
      for (size_t i = 0; i < lossy.size() && i < 5; ++i) list += (i ? ", " : "") + lossy[i];
      if (lossy.size() > 5) list += ", and " + std::to_string(lossy.size() - 5) + " more";
      return {false, "DataLossNotAllowed",
              "step(s) that can lose data: " + list + "; --allow-data-loss was not given"};
    }
  }
  return {};
}

}  // namespace retort::engine
