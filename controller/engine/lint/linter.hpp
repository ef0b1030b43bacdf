// Lints migration scripts: parses each step's SQL with PostgreSQL's parser and reports data
// loss, long locks, renames the running application would trip on, statements a transactional
// step cannot hold (CONCURRENTLY, VACUUM) and a missing downgrade, with file
// and line (rules.hpp lists the rules). Scripts are linted in upgrade order with a catalog of
// what earlier scripts created, so "an existing table" means one created by an earlier step
// (it may hold rows), and a narrowing type change is recognised from the declared type.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/lint/finding.hpp"
#include "engine/revision/revision_graph.hpp"
#include "engine/script/script.hpp"

namespace retort::engine::lint {

// Tables known from earlier statements: "schema.table" -> column -> type (format_type style).
struct LintCatalog {
  std::map<std::string, std::map<std::string, std::string>> tables;
  // CHECK (column IS NOT NULL) constraints: "schema.table" -> constraint name -> column, and
  // whether the constraint is validated (added without NOT VALID, or VALIDATEd since), in
  // which case SET NOT NULL skips its scan. Kept across scripts: the safe pattern adds the
  // check NOT VALID in one step and validates it in the next.
  struct NotNullCheck {
    std::string column;
    bool validated = false;
  };
  std::map<std::string, std::map<std::string, NotNullCheck>> notNullChecks;
};

struct LintOptions {
  bool downgrade = false;  // also lint downgrade sections (dropping what upgrade made is normal)
};

// One section of SQL. `file` and `section` only label the findings.
std::vector<Finding> lintSql(const std::string& file, const SqlSection& sql,
                             const std::string& section, bool transactional, LintCatalog& catalog);

// One script: its upgrade (and, when asked, downgrade) section plus the missing-downgrade
// rule, with acknowledgements applied.
std::vector<Finding> lintScript(const Script& script, LintCatalog& catalog,
                                const LintOptions& options = {});

// Every script of the graph, oldest first (upgrade order from the bases).
std::vector<Finding> lintScripts(const RevisionGraph& graph, const LintOptions& options = {});

}  // namespace retort::engine::lint
