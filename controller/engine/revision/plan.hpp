// A plan: the steps that move a database from its current heads to a target, each with the
// script it runs, that script's checksum, its lint findings and whether it can lose data.
// Everything here is pure (no I/O): the caller reads the heads and loads the scripts, and the
// lint findings are attached by engine/lint/plan_annotation (lint depends on revision, so
// revision cannot call lint). planHash() fingerprints what a run would do so that a plan shown
// to a human (or computed by the operator) can be pinned with `retort run --expect-plan`.
#pragma once

#include <string>
#include <vector>

#include "engine/lint/finding.hpp"
#include "engine/revision/migration_step.hpp"
#include "engine/revision/revision_resolver.hpp"

namespace retort::engine {

enum class Direction { Upgrade, Downgrade };

struct PlannedStep {
  MigrationStep step;
  std::string revision;
  std::string file;
  std::string checksum;  // scriptChecksum() of the whole script file
  std::vector<lint::Finding> findings;
  bool dataLoss = false;  // an unacknowledged DataLoss finding in the section this step runs

  bool isUpgrade() const { return step.isUpgrade(); }
};

struct Plan {
  enum class Way { None, Upgrade, Downgrade };
  Way direction = Way::None;
  std::vector<std::string> fromHeads;  // the version rows the plan starts from
  std::vector<std::string> toHeads;    // the rows after the last step
  std::string target;                  // the target as given
  std::vector<std::string> targetIds;  // the revision ids the target resolves to
  std::vector<PlannedStep> steps;

  bool empty() const { return steps.empty(); }
  bool dataLoss() const;
  std::vector<MigrationStep> migrationSteps() const;
};

std::string toString(Plan::Way way);

// Steps that move `rows` to `target` (Alembic's _upgrade_revs / _downgrade_revs), with
// revision errors already turned into Alembic's command errors.
std::vector<MigrationStep> planSteps(const RevisionResolver& resolver, Direction direction,
                                     const std::vector<std::string>& rows,
                                     const std::string& target);

// The plan in a fixed direction (upgrade / downgrade commands).
Plan planMigration(const RevisionResolver& resolver, const std::vector<std::string>& rows,
                   const std::string& target, Direction direction);
// The plan in whichever direction reaches `target`: upgrade when it lies ahead (or is relative
// upward), downgrade when it lies behind (`plan`, `run`).
Plan planMigration(const RevisionResolver& resolver, const std::vector<std::string>& rows,
                   const std::string& target);

// `sha256:<hex>` over the starting heads (sorted), then each step in order with its direction,
// revision and script checksum. Editing any script the plan runs changes it.
std::string planHash(const Plan& plan);

struct PolicyDecision {
  bool allowed = true;
  std::string reason;   // CamelCase, for the run report: DowngradeNotAllowed, DataLossNotAllowed
  std::string message;  // for humans; names the steps at fault
};

// Whether policy lets `plan` run: a downgrade needs `allowDowngrade`, a step that can lose data
// needs `allowDataLoss`.
PolicyDecision decidePolicy(const Plan& plan, bool allowDowngrade, bool allowDataLoss);

}  // namespace retort::engine
