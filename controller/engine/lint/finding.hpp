// A lint finding: which rule fired, how bad it is, what kind of risk it is (the operator's
// allowDataLoss policy looks at the DataLoss category; Compatibility is a change the running
// application may not survive, such as a rename), and where (file and 1-based line).
// A finding an author acknowledged in the script with `-- retort:ack <rule> <reason>` is still
// reported, marked as acknowledged, and does not fail `retort lint`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace retort::engine::lint {

enum class Severity { Info, Warning, Error };
enum class Category { DataLoss, Locking, Compatibility, Transaction, Script };

struct Finding {
  std::string ruleId;
  Severity severity = Severity::Warning;
  Category category = Category::Script;
  std::string message;
  std::string file;
  int line = 0;
  std::string section;  // "upgrade" or "downgrade"
  bool acknowledged = false;
  std::string acknowledgement;  // the reason written in the ack comment
};

std::string toString(Severity severity);
std::string toString(Category category);

// `file:line: severity[rule-id]: message`, plus the acknowledgement when there is one.
std::string formatFinding(const Finding& finding);
nlohmann::json toJson(const Finding& finding);
nlohmann::json toJson(const std::vector<Finding>& findings);

// True when some finding is not acknowledged and at least as severe as `threshold`.
bool hasBlockingFindings(const std::vector<Finding>& findings, Severity threshold);

}  // namespace retort::engine::lint
