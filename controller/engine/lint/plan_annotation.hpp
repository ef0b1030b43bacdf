// Attaches lint findings to a plan's steps: for each step, the findings in the section of its
// script that the step runs, and whether one of them is an unacknowledged data-loss finding.
// It lives in lint, not in revision, because lint already depends on the revision graph; the
// plan itself stays in engine/revision. Pure: the scripts are already loaded in the graph.
#pragma once

#include "engine/revision/plan.hpp"

namespace retort::engine::lint {

void annotatePlan(Plan& plan, const RevisionGraph& graph);

}  // namespace retort::engine::lint
