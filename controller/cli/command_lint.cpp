// `retort lint [FILE...] [--json] [--downgrade] [--fail-on LEVEL] [--list-rules]`: lints the
// script location's scripts in upgrade order (or the given files, in the order given) with
// PostgreSQL's parser. Exits 1 when an unacknowledged finding reaches --fail-on (default:
// error), so CI can gate on it.
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "cli/context.hpp"
#include "engine/lint/linter.hpp"
#include "engine/lint/rules.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/text.hpp"

namespace retort::cli {
namespace {

// --fail-on's words; CLI::IsMember refuses others (a usage error, exit 2, listing them).
const std::map<std::string, engine::lint::Severity> kSeverities = {
    {"error", engine::lint::Severity::Error},
    {"warning", engine::lint::Severity::Warning},
    {"info", engine::lint::Severity::Info}};

struct LintArguments {
  std::vector<std::string> files;
  bool json = false;
  bool downgrade = false;
  std::string failOn = "error";
  bool listRules = false;
};

std::vector<engine::lint::Finding> lintFiles(const std::vector<std::string>& files,
                                             const engine::lint::LintOptions& options) {
  engine::lint::LintCatalog catalog;
  std::vector<engine::lint::Finding> findings;
  for (const std::string& file : files) {
    std::optional<std::string> content = engine::readFileIfExists(file);
    if (!content) throw engine::CommandError("cannot read " + file);
    engine::Script script = engine::parseScript(file, std::move(*content));
    auto found = engine::lint::lintScript(script, catalog, options);
    findings.insert(findings.end(), found.begin(), found.end());
  }
  return findings;
}

void listRules(bool json) {
  nlohmann::json rules = nlohmann::json::array();
  for (const engine::lint::Rule& rule : engine::lint::allRules()) {
    if (json) {
      rules.push_back({{"rule", rule.id},
                       {"severity", engine::lint::toString(rule.severity)},
                       {"category", engine::lint::toString(rule.category)},
                       {"summary", rule.summary}});
    } else {
      std::cout << rule.id << " (" << engine::lint::toString(rule.severity) << ", "
                << engine::lint::toString(rule.category) << "): " << rule.summary << "\n";
    }
  }
  if (json) std::cout << rules.dump(2) << std::endl;
}

void runLint(const GlobalOptions& options, const LintArguments& args) {
  if (args.listRules) {
    listRules(args.json);
    return;
  }
  const engine::lint::Severity threshold = kSeverities.at(args.failOn);
  engine::lint::LintOptions lintOptions;
  lintOptions.downgrade = args.downgrade;
  std::vector<engine::lint::Finding> findings;
  if (args.files.empty()) {
    engine::ScriptDirectory scripts = loadScripts(options);
    findings = engine::lint::lintScripts(scripts.graph(), lintOptions);
  } else {
    findings = lintFiles(args.files, lintOptions);
  }
  if (args.json) {
    std::cout << engine::lint::toJson(findings).dump(2) << std::endl;
  } else {
    int errors = 0, warnings = 0, acknowledged = 0;
    for (const auto& finding : findings) {
      std::cout << engine::lint::formatFinding(finding) << "\n";
      if (finding.acknowledged) {
        ++acknowledged;
      } else if (finding.severity == engine::lint::Severity::Error) {
        ++errors;
      } else if (finding.severity == engine::lint::Severity::Warning) {
        ++warnings;
      }
    }
    std::cout << findings.size() << " finding(s): " << errors << " error(s), " << warnings
              << " warning(s), " << acknowledged << " acknowledged" << std::endl;
  }
  if (engine::lint::hasBlockingFindings(findings, threshold)) setExitCode(1);
}

void install(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<LintArguments>();
  CLI::App* cmd = app.add_subcommand("lint", "Report risky statements in migration scripts.");
  cmd->add_option("files", args->files,
                  "Script files to lint (default: every script, in upgrade order)");
  cmd->add_flag("--json", args->json, "Print findings as JSON");
  cmd->add_flag("--downgrade", args->downgrade, "Also lint downgrade sections");
  cmd->add_option("--fail-on", args->failOn,
                  "Lowest unacknowledged severity that fails: error, warning or info")
      ->check(CLI::IsMember({"error", "warning", "info"}));
  cmd->add_flag("--list-rules", args->listRules, "List the rules and exit");
  cmd->callback([&options, args] { runLint(options, *args); });
}

}  // namespace
RETORT_COMMAND(lint, install);
}  // namespace retort::cli
