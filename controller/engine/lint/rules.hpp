// The lint rules Retort knows: id, default severity, category and a one-line summary. The
// ids are the contract (acknowledgement comments and the operator's policy name them); the
// summaries feed `retort lint --list-rules` and docs/schema.md.
#pragma once

#include <string>
#include <vector>

#include "engine/lint/finding.hpp"

namespace retort::engine::lint {

struct Rule {
  std::string id;
  Severity severity;
  Category category;
  std::string summary;
};

const std::vector<Rule>& allRules();
// The rule with `id`; throws std::out_of_range for an unknown id.
const Rule& rule(const std::string& id);
bool isKnownRule(const std::string& id);

}  // namespace retort::engine::lint
