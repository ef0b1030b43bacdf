#include "engine/revision/run_report.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/util/errors.hpp"
#include "engine/util/utf8.hpp"

namespace retort::engine {
namespace {

nlohmann::json cutList(const std::vector<std::string>& items, size_t keep) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < items.size() && i < keep; ++i) out.push_back(escapeInvalidUtf8(items[i]));
  if (items.size() > keep)
    out.push_back("... and " + std::to_string(items.size() - keep) + " more");
  return out;
}

double rounded(double seconds) {
  return std::round(seconds * 1000) / 1000;
}

// Every string of the report comes through here or cutList: a target or a message may hold
// bytes that are not UTF-8 (from argv, a script, the server), and JSON text must be UTF-8.
std::string cutText(const std::string& raw, size_t keep) {
  std::string text = escapeInvalidUtf8(raw);
  if (text.size() <= keep) return text;
  // Do not cut inside a UTF-8 sequence.
  while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) --keep;
  return text.substr(0, keep) + "...";
}

nlohmann::json toJson(const RunReport& r, size_t listKeep, size_t textKeep) {
  nlohmann::json j;
  j["apiVersion"] = "retort.dev/v1alpha1";
  j["kind"] = "RunReport";
  j["runId"] = cutText(r.runId, 128);
  j["outcome"] = r.outcome;
  j["reason"] = cutText(r.reason, 128);
  j["message"] = cutText(r.message, textKeep);
  j["from"] = cutList(r.from, listKeep);
  j["to"] = cutList(r.to, listKeep);
  j["target"] = cutList(r.target, listKeep);
  j["direction"] = r.direction;
  j["steps"] = r.steps;
  j["planHash"] = cutText(r.planHash, 128);
  j["dataLoss"] = r.dataLoss;
  if (!r.planSteps.empty()) j["planSteps"] = cutList(r.planSteps, listKeep);
  if (r.failedStep) {
    j["failedStep"] = {{"revision", cutText(r.failedStep->revision, 128)},
                       {"file", cutText(r.failedStep->file, std::max<size_t>(textKeep, 64))},
                       {"line", r.failedStep->line},
                       {"sqlstate", cutText(r.failedStep->sqlstate, 16)}};
  }
  if (r.backup) {
    j["backup"] = {{"file", cutText(r.backup->file, std::max<size_t>(textKeep, 64))},
                   {"bytes", r.backup->bytes},
                   {"sha256", cutText(r.backup->sha256, 128)},
                   {"seconds", rounded(r.backup->seconds)}};
  }
  j["lockRetries"] = r.lockRetries;
  j["seconds"] = rounded(r.seconds);
  if (r.rehearsal) {
    const RunReport::Rehearsal& h = *r.rehearsal;
    // At most five of each: the report is for a gate and a person, the table is in the log.
    size_t keep = std::min<size_t>(listKeep, 5);
    nlohmann::json slowest = nlohmann::json::array();
    for (size_t i = 0; i < h.slowestSteps.size() && i < keep; ++i) {
      const auto& s = h.slowestSteps[i];
      nlohmann::json step = {{"revision", cutText(s.revision, 128)},
                             {"file", cutText(s.file, std::max<size_t>(textKeep / 4, 64))},
                             {"seconds", rounded(s.seconds)}};
      if (s.rows) step["rows"] = *s.rows;
      slowest.push_back(std::move(step));
    }
    nlohmann::json waits = nlohmann::json::array();
    for (size_t i = 0; i < h.lockWaits.size() && i < keep; ++i) {
      const auto& w = h.lockWaits[i];
      waits.push_back({{"revision", cutText(w.revision, 128)},
                       {"lockType", cutText(w.lockType, 32)},
                       {"mode", cutText(w.mode, 32)},
                       {"relation", cutText(w.relation, std::max<size_t>(textKeep / 8, 64))},
                       {"seconds", rounded(w.seconds)}});
    }
    j["rehearsal"] = {{"scratchDatabase", cutText(h.scratchDatabase, 64)},
                      {"backupReused", h.backupReused},
                      {"restoreSeconds", rounded(h.restoreSeconds)},
                      {"migrateSeconds", rounded(h.migrateSeconds)},
                      {"slowestSteps", std::move(slowest)},
                      {"lockWaitSeconds", rounded(h.lockWaitSeconds)},
                      {"lockWaits", std::move(waits)}};
  }
  return j;
}

}  // namespace

void RunReport::describePlan(const Plan& plan) {
  from = plan.fromHeads;
  to = plan.toHeads;
  target = plan.targetIds;
  direction = toString(plan.direction);
  steps = static_cast<int>(plan.steps.size());
  planHash = engine::planHash(plan);
  dataLoss = plan.dataLoss();
  planSteps.clear();
  for (const PlannedStep& step : plan.steps) {
    std::string line =
        step.revision + " " + step.file + " (" + (step.isUpgrade() ? "upgrade" : "downgrade") + ")";
    if (step.dataLoss) line += ", data loss";
    for (const lint::Finding& finding : step.findings)
      if (!finding.acknowledged)
        line += ", " + finding.ruleId + " at line " + std::to_string(finding.line);
    planSteps.push_back(std::move(line));
  }
}

std::string outcomeFor(int exitCode) {
  switch (exitCode) {
    case RunExit::Ok:
      return "Succeeded";
    case RunExit::StepFailed:
      return "Failed";
    case RunExit::Refused:
      return "Refused";
    case RunExit::BackupFailed:
      return "BackupFailed";
    case RunExit::Transient:
      return "Transient";
    case RunExit::Invalid:
      return "Invalid";
    default:
      return "Failed";
  }
}

std::string renderRunReport(const RunReport& report, size_t limit) {
  // Shrink lists first (heads are many only with many branches), then the free text.
  size_t lists[] = {64, 16, 4, 1, 0};
  size_t texts[] = {2048, 1024, 512, 256, 64, 0};
  for (size_t listKeep : lists) {
    for (size_t textKeep : texts) {
      // Replace, not throw, on a byte cutText missed: a report with U+FFFD beats no report.
      std::string text = toJson(report, listKeep, textKeep)
                             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      if (text.size() <= limit) return text;
    }
  }
  // Unreachable in practice: the fixed fields alone are far below the limit.
  nlohmann::json minimal = {{"apiVersion", "retort.dev/v1alpha1"},
                            {"kind", "RunReport"},
                            {"outcome", report.outcome},
                            {"reason", cutText(report.reason, 64)}};
  return minimal.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace retort::engine
