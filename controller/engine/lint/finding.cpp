#include "engine/lint/finding.hpp"

namespace retort::engine::lint {

std::string toString(Severity severity) {
  switch (severity) {
    case Severity::Info:
      return "info";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      return "error";
  }
  return "unknown";
}

std::string toString(Category category) {
  switch (category) {
    case Category::DataLoss:
      return "data-loss";
    case Category::Locking:
      return "locking";
    case Category::Compatibility:
      return "compatibility";
    case Category::Transaction:
      return "transaction";
    case Category::Script:
      return "script";
  }
  return "unknown";
}

std::string formatFinding(const Finding& finding) {
  std::string text = finding.file + ":" + std::to_string(finding.line) + ": " +
                     toString(finding.severity) + "[" + finding.ruleId + "]: " + finding.message;
  if (finding.acknowledged) text += " (acknowledged: " + finding.acknowledgement + ")";
  return text;
}

nlohmann::json toJson(const Finding& finding) {
  return {{"rule", finding.ruleId},
          {"severity", toString(finding.severity)},
          {"category", toString(finding.category)},
          {"message", finding.message},
          {"file", finding.file},
          {"line", finding.line},
          {"section", finding.section},
          {"acknowledged", finding.acknowledged},
          {"acknowledgement", finding.acknowledged ? nlohmann::json(finding.acknowledgement)
                                                   : nlohmann::json(nullptr)}};
}

nlohmann::json toJson(const std::vector<Finding>& findings) {
  nlohmann::json list = nlohmann::json::array();
  for (const Finding& finding : findings) list.push_back(toJson(finding));
  return list;
}

bool hasBlockingFindings(const std::vector<Finding>& findings, Severity threshold) {
  for (const Finding& finding : findings) {
    if (!finding.acknowledged && finding.severity >= threshold) return true;
  }
  return false;
}

}  // namespace retort::engine::lint
