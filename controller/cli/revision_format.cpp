#include "cli/revision_format.hpp"

#include <algorithm>
#include <sstream>

#include "engine/revision/migration_step.hpp"
#include "engine/util/text.hpp"

namespace retort::cli {

using engine::join;
using engine::RevisionGraph;
using engine::RevisionIndex;

namespace {

std::string formatDownRevision(const RevisionGraph& graph, RevisionIndex i) {
  const auto& downs = graph.script(i).downRevisions;
  return downs.empty() ? "<base>" : join(downs);
}

}  // namespace

std::string formatRevisionLine(const RevisionGraph& graph, RevisionIndex i, const LineFormat& f) {
  const engine::Script& s = graph.script(i);
  std::string text = s.revision;
  if (f.includeParents) {
    text = s.dependsOn.empty()
               ? formatDownRevision(graph, i) + " -> " + text
               : formatDownRevision(graph, i) + " (" + join(s.dependsOn) + ") -> " + text;
  }
  if (f.includeBranches && !graph.branchLabels(i).empty())
    text += " (" + join(graph.branchLabels(i)) + ")";
  if (f.headIndicators || f.treeIndicators) {
    if (graph.isRealHead(i)) text += " (head)";
    if (graph.isHead(i) && !graph.isRealHead(i)) text += " (effective head)";
    if (f.current) text += " (current)";
  }
  if (f.treeIndicators) {
    if (graph.isBranchPoint(i)) text += " (branchpoint)";
    if (graph.isMergePoint(i)) text += " (mergepoint)";
  }
  if (f.includeDoc) text += ", " + s.doc();
  return text;
}

std::string formatLogEntry(const RevisionGraph& graph, RevisionIndex i, bool current) {
  const engine::Script& s = graph.script(i);
  std::ostringstream out;
  out << "Rev: " << s.revision << (graph.isHead(i) ? " (head)" : "")
      << (graph.isBranchPoint(i) ? " (branchpoint)" : "")
      << (graph.isMergePoint(i) ? " (mergepoint)" : "") << (current ? " (current)" : "") << "\n";
  out << (graph.isMergePoint(i) ? "Merges: " : "Parent: ") << formatDownRevision(graph, i) << "\n";
  if (!s.dependsOn.empty()) out << "Also depends on: " << join(s.dependsOn) << "\n";
  if (graph.isBranchPoint(i)) {
    std::vector<std::string> kids;
    for (RevisionIndex c : graph.children(i)) kids.push_back(graph.id(c));
    out << "Branches into: " << join(kids) << "\n";
  }
  if (!graph.branchLabels(i).empty())
    out << "Branch names: " << join(graph.branchLabels(i)) << "\n";
  out << "Path: " << s.path.string() << "\n";
  if (!s.longDoc.empty()) {  // an Alembic .py script: its own docstring, as Alembic prints it
    out << "\n";
    for (size_t pos = 0; pos <= s.longDoc.size();) {
      size_t eol = std::min(s.longDoc.find('\n', pos), s.longDoc.size());
      out << "    " << s.longDoc.substr(pos, eol - pos) << "\n";
      pos = eol + 1;
    }
    return out.str();
  }
  // The script's "docstring": what Alembic's template writes at the top of a .py script.
  out << "\n    " << s.message << "\n    \n    Revision ID: " << s.revision
      << "\n    Revises: " << join(s.downRevisions) << "\n    Create Date: " << s.createDate
      << "\n";
  return out.str();
}

std::string formatRevision(const RevisionGraph& graph, RevisionIndex i, bool verbose,
                           const LineFormat& format) {
  return verbose ? formatLogEntry(graph, i, format.current) : formatRevisionLine(graph, i, format);
}

}  // namespace retort::cli
