#include "engine/runtime/offline_sql.hpp"

#include <sstream>

#include "engine/sql/statement_splitter.hpp"

namespace retort::engine {

void writeOfflineSql(std::ostream& out, const RevisionGraph& graph,
                     const std::vector<MigrationStep>& steps, std::vector<std::string> startingRows,
                     const VersionTableName& table) {
  out << "BEGIN;\n\n";
  if (startingRows.empty()) out << createVersionTableSql(table) << ";\n\n";
  VersionHeads heads(graph, std::move(startingRows));
  for (const MigrationStep& step : steps) {
    out << "-- Running " << step.shortLog(graph) << "\n\n";
    if (step.kind != MigrationStep::Kind::Stamp) {
      const Script& script = graph.script(step.revision);
      const SqlSection& section =
          step.kind == MigrationStep::Kind::Upgrade ? script.upgrade : *script.downgrade;
      if (!script.transactional) out << "COMMIT;\n\n";
      visitStatements(section, script.path.string(),
                      [&](const Statement& statement) { out << statement.sql << ";\n\n"; });
      if (!script.transactional) out << "BEGIN;\n\n";
    }
    for (const VersionChange& change : heads.advance(step))
      out << versionChangeSql(table, change) << ";\n\n";
  }
  out << "COMMIT;\n\n";
}

std::string renderOfflineSql(const RevisionGraph& graph, const std::vector<MigrationStep>& steps,
                             std::vector<std::string> startingRows, const VersionTableName& table) {
  std::ostringstream out;
  writeOfflineSql(out, graph, steps, std::move(startingRows), table);
  return out.str();
}

}  // namespace retort::engine
