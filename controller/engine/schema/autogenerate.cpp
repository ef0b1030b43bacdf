#include "engine/schema/autogenerate.hpp"

namespace retort::engine::schema {

namespace {

std::vector<std::string> warningsFor(const SchemaDiff& difference, const std::string& direction) {
  std::vector<std::string> warnings;
  for (const std::string& note : difference.reviewNotes)
    warnings.push_back(direction + ": " + note);
  for (const Change& change : difference.changes) {
    if (change.dataLoss) {
      warnings.push_back(direction + ": " + change.operation + " " + change.object +
                         " may lose data" +
                         (change.detail.empty() ? "" : " (" + change.detail + ")"));
    }
    if (change.operation == "add_enum_value") {
      warnings.push_back(direction + ": " + change.object + " gains '" + change.detail +
                         "'; a new enum value cannot be used in the transaction that adds it");
    }
  }
  return warnings;
}

}  // namespace

AutogenerateResult autogenerate(const Model& head, const Model& desired) {
  SchemaDiff forward = diff(head, desired);
  SchemaDiff backward = diff(desired, head);
  AutogenerateResult result;
  result.upgradeSql = forward.sql();
  result.downgradeSql = backward.sql();
  result.warnings = warningsFor(forward, "upgrade");
  std::vector<std::string> downgradeWarnings = warningsFor(backward, "downgrade");
  result.warnings.insert(result.warnings.end(), downgradeWarnings.begin(), downgradeWarnings.end());
  for (const Change& change : forward.changes) {
    if (!change.implied) result.operations.push_back(change.operation + " " + change.object);
  }
  return result;
}

AutogenerateResult autogenerate(Connection& databaseAtHead, const ComparisonSource& source) {
  ComparedModels models = loadComparedModels(databaseAtHead, source);
  return autogenerate(models.current, models.desired);
}

}  // namespace retort::engine::schema
