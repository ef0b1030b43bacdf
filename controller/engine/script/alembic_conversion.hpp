// Turning an Alembic project into Retort `.sql` scripts (`retort convert`). The SQL comes from
// Alembic's own offline mode, driven by the helper `alembic_offline_sql.py` (a subprocess; the
// binary never runs Python): it prints one marked block per step, which
// parseOfflineRendering() splits by revision. convertedScriptText() writes a script with the
// original's id, parents, labels, dependencies, message and date; a step that could not be
// rendered offline becomes SQL that refuses to run until a person writes it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/script/script.hpp"

namespace retort::engine {

struct RenderedStep {
  std::string sql;         // what Alembic printed for the step
  bool renderable = true;  // false: needs a person (see reason)
  int line = 0;            // in the .py script, when known
  std::string reason;
};

// Revision id -> its rendered step, from the helper's output for one direction. Throws
// CommandError on output the helper does not produce (an unterminated block).
std::map<std::string, RenderedStep> parseOfflineRendering(const std::string& output);

// The `.sql` script for `script`. A missing downgrade step (a revision Alembic never walks
// down) leaves the downgrade section out.
std::string convertedScriptText(const Script& script, const RenderedStep& upgrade,
                                const RenderedStep* downgrade);

}  // namespace retort::engine
