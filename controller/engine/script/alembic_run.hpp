// The pure parts of running an unconverted Alembic project with the project's own Alembic
// (`retort run --executor alembic`, DESIGN.md section 5 kept): Retort plans from the scripts'
// headers, lints the SQL that Alembic's offline mode renders for the planned steps, applies
// policy and backs up; the helper `alembic_run_step.py` executes each step online.
// scriptsWithRenderedSql() gives lint the rendered SQL in place of the .py sections;
// markUnrenderedSteps() makes a step whose SQL could not be rendered count as possible data
// loss (lint cannot clear what it cannot read); parseAlembicStepFailure() reads the helper's
// failure line (script line, SQLSTATE, message) for the report.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/revision/plan.hpp"
#include "engine/script/alembic_conversion.hpp"
#include "engine/script/script.hpp"

namespace retort::engine {

using RenderedSteps = std::map<std::string, RenderedStep>;  // revision id -> rendered step

// The graph's scripts, in load order, with every Alembic .py script's upgrade and downgrade
// sections replaced by the SQL rendered for it (section line 1 is the rendered SQL's first
// line). Scripts that are not .py, and steps absent or unrenderable, keep their sections.
std::vector<Script> scriptsWithRenderedSql(const RevisionGraph& graph,
                                           const RenderedSteps& upgrades,
                                           const RenderedSteps& downgrades);

// For every planned step of an Alembic .py script whose section was not rendered (absent
// from `rendered`, or unrenderable), adds an unacknowledged DataLoss finding
// `alembic-unrendered` saying why, and marks the step as data loss. `rendered` is the
// rendering of the plan's direction.
void markUnrenderedSteps(Plan& plan, const RevisionGraph& graph, const RenderedSteps& rendered);

struct AlembicStepFailure {
  int line = 0;          // in the step's script; 0 when the failure was not in it
  std::string sqlstate;  // empty when not a server error
  std::string message;
};

// The helper's last `retort:failed <line> <sqlstate or -> <message>` line in `stderrText`.
std::optional<AlembicStepFailure> parseAlembicStepFailure(const std::string& stderrText);

}  // namespace retort::engine
