#include "operator/schema_version/run_report.hpp"

#include <nlohmann/json.hpp>

namespace retort::op {
namespace {

using nlohmann::json;

std::string stringOf(const json& object, const char* name) {
  const auto found = object.find(name);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::int64_t intOf(const json& object, const char* name) {
  const auto found = object.find(name);
  return found != object.end() && found->is_number() ? found->get<std::int64_t>() : 0;
}

double doubleOf(const json& object, const char* name) {
  const auto found = object.find(name);
  return found != object.end() && found->is_number() ? found->get<double>() : 0.0;
}

std::vector<std::string> stringsOf(const json& object, const char* name) {
  std::vector<std::string> out;
  const auto found = object.find(name);
  if (found == object.end() || !found->is_array()) return out;
  for (const json& item : *found) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

std::string RunReport::failedLocation() const {
  if (!failedStep || failedStep->file.empty()) return {};
  return failedStep->line > 0 ? failedStep->file + ":" + std::to_string(failedStep->line)
                              : failedStep->file;
}

std::optional<RunReport> parseRunReport(const std::string& terminationMessage) {
  const json document = json::parse(terminationMessage, nullptr, false);
  if (document.is_discarded() || !document.is_object()) return std::nullopt;
  if (stringOf(document, "kind") != "RunReport") return std::nullopt;
  RunReport report;
  report.runId = stringOf(document, "runId");
  report.outcome = stringOf(document, "outcome");
  report.reason = stringOf(document, "reason");
  report.message = stringOf(document, "message");
  report.from = stringsOf(document, "from");
  report.to = stringsOf(document, "to");
  report.target = stringsOf(document, "target");
  report.direction = stringOf(document, "direction");
  report.steps = intOf(document, "steps");
  report.planHash = stringOf(document, "planHash");
  report.planSteps = stringsOf(document, "planSteps");
  report.lockRetries = intOf(document, "lockRetries");
  if (const auto loss = document.find("dataLoss"); loss != document.end() && loss->is_boolean())
    report.dataLoss = loss->get<bool>();
  if (const auto step = document.find("failedStep"); step != document.end() && step->is_object())
    report.failedStep = FailedStep{stringOf(*step, "revision"), stringOf(*step, "file"),
                                   intOf(*step, "line"), stringOf(*step, "sqlstate")};
  if (const auto backup = document.find("backup"); backup != document.end() && backup->is_object())
    report.backup = BackupReport{stringOf(*backup, "file"), intOf(*backup, "bytes"),
                                 stringOf(*backup, "sha256"), doubleOf(*backup, "seconds")};
  if (const auto r = document.find("rehearsal"); r != document.end() && r->is_object()) {
    RehearsalReport rehearsal;
    rehearsal.restoreSeconds = doubleOf(*r, "restoreSeconds");
    rehearsal.migrateSeconds = doubleOf(*r, "migrateSeconds");
    rehearsal.lockWaitSeconds = doubleOf(*r, "lockWaitSeconds");
    if (const auto slowest = r->find("slowestSteps"); slowest != r->end() && slowest->is_array() &&
                                                      !slowest->empty() &&
                                                      slowest->front().is_object()) {
      rehearsal.slowestRevision = stringOf(slowest->front(), "revision");
      rehearsal.slowestFile = stringOf(slowest->front(), "file");
      rehearsal.slowestSeconds = doubleOf(slowest->front(), "seconds");
    }
    report.rehearsal = rehearsal;
  }
  report.seconds = doubleOf(document, "seconds");
  return report;
}

}  // namespace retort::op
