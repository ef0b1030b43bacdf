#include "engine/schema/check_report.hpp"

namespace retort::engine::schema {

std::vector<std::string> describeChanges(const SchemaDiff& difference) {
  std::vector<std::string> lines;
  for (const Change& change : difference.changes) {
    if (change.implied) continue;
    lines.push_back(change.operation + " " + change.object +
                    (change.detail.empty() ? "" : " (" + change.detail + ")"));
  }
  return lines;
}

std::string newOperationsMessage(const SchemaDiff& difference) {
  std::string message = "New upgrade operations detected:";
  for (const std::string& line : describeChanges(difference)) message += "\n  " + line;
  return message;
}

nlohmann::json checkJson(const SchemaDiff& difference) {
  nlohmann::json operations = nlohmann::json::array();
  for (const Change& change : difference.changes) {
    if (change.implied) continue;
    operations.push_back({{"operation", change.operation},
                          {"object", change.object},
                          {"detail", change.detail},
                          {"dataLoss", change.dataLoss}});
  }
  return {{"upToDate", operations.empty()},
          {"message", operations.empty() ? std::string(kNoNewOperations)
                                         : std::string("New upgrade operations detected")},
          {"operations", operations},
          {"reviewNotes", difference.reviewNotes},
          {"upgradeSql", difference.sql()}};
}

}  // namespace retort::engine::schema
