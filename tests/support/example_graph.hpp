// In-memory script sets for unit tests (no files): a script is built from its header fields,
// and `alembicExampleGraph()` is the graph Alembic's behaviours are documented against:
// aaaa1111 -> bbbb2222 -> {cccc3333, dddd4444} -> eeee5555 (merge), plus a second root
// ffff0001 (label "audit") -> ffff0002 (depends_on bbbb2222).
#pragma once

#include <string>
#include <vector>

#include "engine/revision/revision_graph.hpp"

namespace retort::test {

engine::Script makeScript(const std::string& rev, std::vector<std::string> downs = {},
                          std::vector<std::string> labels = {}, std::vector<std::string> deps = {},
                          const std::string& message = "");

engine::RevisionGraph alembicExampleGraph();
// A linear chain r0001 -> r0002 -> ... of `n` revisions.
engine::RevisionGraph linearGraph(int n);

}  // namespace retort::test
