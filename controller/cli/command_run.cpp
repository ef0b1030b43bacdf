// `retort run TARGET`: the Job's entry point (DESIGN.md section 5). Connect (retrying transient
// failures with backoff for --retry-for), take the advisory lock, read the heads, plan, apply
// policy, back up, migrate, and write the report. Nothing is written to the database before
// policy, --expect-plan and the backup have passed: the version and history tables are only
// created once the run is allowed to move the database. With `--executor alembic` an
// unconverted Alembic project's .py steps run through the project's own Alembic
// (engine/runtime/alembic_executor); lint then reads the SQL Alembic renders offline.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/context.hpp"
#include "cli/job_support.hpp"
#include "engine/backup/backup.hpp"
#include "engine/lint/plan_annotation.hpp"
#include "engine/revision/plan.hpp"
#include "engine/revision/run_report.hpp"
#include "engine/runtime/alembic_executor.hpp"
#include "engine/script/alembic_project.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/log.hpp"

namespace retort::cli {
namespace {

namespace fs = std::filesystem;
constexpr const char* kLogger = "retort.run";

struct RunArgs {
  std::string target;
  bool allowDowngrade = false;
  bool allowDataLoss = false;
  std::string backupMode = "required";
  std::string backupDir = "backups";
  int backupKeep = 0;
  bool planOnly = false;
  std::string expectPlan;
  std::string report;
  std::string runId;
  double retryFor = 60;             // seconds of connection retries
  std::string executor = "retort";  // or "alembic": .py steps run through the project's Alembic
  std::string python = "python3";
};

// Where Retort's Alembic helpers are: $RETORT_ALEMBIC_HELPERS, else share/retort beside the
// binary's bin/ (the image, and the copy the Job makes into an application image), else the
// source tree this binary was built from.
fs::path alembicHelperDirectory() {
  if (const char* env = std::getenv("RETORT_ALEMBIC_HELPERS"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share/retort";
    if (fs::exists(installed / "alembic_run_step.py", ec)) return installed;
  }
  return fs::path(RETORT_ALEMBIC_HELPER).parent_path();
}

// The executor for `--executor alembic`: the project's ini and the directory Alembic would
// run in (`-c FILE`: the working directory; `-d DIR`: DIR, as the read-only commands assume).
std::optional<engine::AlembicExecutor> alembicExecutor(const GlobalOptions& options,
                                                       const RunArgs& args,
                                                       const std::string& url) {
  if (args.executor != "alembic") return std::nullopt;
  std::optional<engine::AlembicIni> ini = alembicProject(options);
  if (!ini) {
    throw RunStop{engine::RunExit::Invalid, "NotAnAlembicProject",
                  "--executor alembic runs an Alembic project's .py steps, and " +
                      options.scriptLocation + " holds no alembic.ini (pass -d DIR or -c FILE)"};
  }
  engine::AlembicExecutor executor;
  executor.python = args.python;
  executor.helperDirectory = alembicHelperDirectory();
  executor.ini = fs::absolute(ini->file);
  executor.workingDirectory =
      options.config.empty() ? executor.ini.parent_path() : fs::current_path();
  executor.databaseUrl = url;
  return executor;
}

bool hasAlembicPythonStep(const engine::Plan& plan, const engine::RevisionGraph& graph) {
  for (const engine::PlannedStep& step : plan.steps) {
    if (step.step.kind != engine::MigrationStep::Kind::Stamp && step.step.revision >= 0 &&
        engine::isAlembicPythonScript(graph.script(step.step.revision)))
      return true;
  }
  return false;
}

// Lint for a plan whose .py steps Alembic will run: the SQL Alembic's offline mode renders
// for them, and a DataLoss finding for each step it cannot render (policy cannot clear what
// lint cannot read). A rendering that fails as a whole is a warning: every .py step of the
// plan is then unrendered.
void annotateAlembicPlan(engine::Plan& plan, const engine::RevisionGraph& graph,
                         const engine::AlembicExecutor& executor) {
  bool upgrade = plan.direction != engine::Plan::Way::Downgrade;
  engine::RenderedSteps rendered;
  try {
    rendered = engine::renderAlembicOffline(executor, upgrade ? "upgrade" : "downgrade");
  } catch (const engine::Error& e) {
    engine::Log::warning(kLogger, std::string("cannot lint the Alembic steps: ") + e.what());
  }
  engine::RenderedSteps none;
  engine::RevisionGraph renderedGraph(
      engine::scriptsWithRenderedSql(graph, upgrade ? rendered : none, upgrade ? none : rendered));
  engine::lint::annotatePlan(plan, renderedGraph);
  engine::markUnrenderedSteps(plan, graph, rendered);
  for (const engine::PlannedStep& step : plan.steps)
    for (const engine::lint::Finding& finding : step.findings)
      if (finding.ruleId == "alembic-unrendered")
        engine::Log::warning(kLogger, engine::lint::formatFinding(finding));
}

// `stage` names what execute is doing, for the report of an exception of no expected kind.
int execute(const GlobalOptions& options, const RunArgs& args, engine::RunReport& report,
            std::string& stage) {
  stage = "checking the target " + shown(args.target);
  checkTarget(args.target);
  stage = "loading the scripts";
  engine::ScriptDirectory scripts = [&] {
    try {
      return loadScripts(options);
    } catch (const engine::Error& e) {
      throw RunStop{engine::RunExit::Invalid, "InvalidScripts", e.what()};
    }
  }();
  const engine::RevisionGraph& graph = scripts.graph();
  engine::RevisionResolver resolver(graph);
  std::string url = options.databaseUrl();
  std::optional<engine::AlembicExecutor> executor = alembicExecutor(options, args, url);
  stage = "connecting to the database";
  std::unique_ptr<engine::Connection> connection = connectWithRetry(url, args.retryFor, kLogger);
  stage = "reading the version table";
  engine::Migrator migrator(*connection, graph, versionTableName(options), runOptions(options));
  migrator.begin(false);  // session settings only: no table is created before policy passes
  // Held from planning to the end; begin(true) takes it again (session advisory locks nest).
  migrator.acquireLock();
  std::vector<std::string> rows = migrator.currentRows();
  report.from = rows;

  stage = "planning the migration to " + shown(args.target);
  engine::Plan plan = [&] {
    try {
      return engine::planMigration(resolver, rows, args.target);
    } catch (const engine::Error& e) {
      throw RunStop{engine::RunExit::Invalid, "UnknownRevision", e.what()};
    }
  }();
  if (executor && hasAlembicPythonStep(plan, graph)) {
    try {
      engine::checkAlembicAvailable(*executor);
    } catch (const engine::Error& e) {
      throw RunStop{engine::RunExit::Invalid, "AlembicUnavailable", e.what()};
    }
    annotateAlembicPlan(plan, graph, *executor);
  } else {
    engine::lint::annotatePlan(plan, graph);
  }
  report.describePlan(plan);
  for (const std::string& w : resolver.warnings()) engine::Log::warning(kLogger, w);

  if (!args.expectPlan.empty() && args.expectPlan != report.planHash) {
    throw RunStop{engine::RunExit::Refused, "PlanMismatch",
                  "the plan's hash is " + report.planHash + ", not the expected " +
                      args.expectPlan + " (a script or the database changed since)"};
  }
  engine::PolicyDecision policy =
      engine::decidePolicy(plan, args.allowDowngrade, args.allowDataLoss);
  if (args.planOnly) {
    report.outcome = "Planned";
    report.reason = policy.allowed ? "Planned" : policy.reason;
    report.message = policy.allowed ? std::to_string(plan.steps.size()) + " step(s) planned"
                                    : "policy would refuse: " + policy.message;
    return engine::RunExit::Ok;
  }
  if (!policy.allowed) throw RunStop{engine::RunExit::Refused, policy.reason, policy.message};
  try {
    if (!executor) engine::refuseUnconvertedSteps(graph, plan.migrationSteps());
  } catch (const engine::Error& e) {
    throw RunStop{engine::RunExit::Invalid, "UnconvertedAlembicScript", e.what()};
  }
  if (plan.empty()) {
    report.outcome = "NothingToDo";
    report.reason = "AtTarget";
    report.message = "the database is already at " + args.target;
    return engine::RunExit::Ok;
  }

  if (args.backupMode != "disabled") {
    stage = "backing up the database";
    try {
      engine::backup::BackupRequest request;
      request.databaseUrl = url;
      request.directory = args.backupDir;
      request.keep = args.backupKeep;
      request.heads = rows;
      request.server = engine::backup::readServerFacts(*connection);
      request.progress = [](const std::string& line) { engine::Log::info(kLogger, line); };
      engine::Log::info(kLogger,
                        "Backing up " + request.server.database + " to " + args.backupDir + " ...");
      engine::backup::BackupResult backup = engine::backup::takeBackup(request);
      report.backup = engine::RunReport::Backup{backup.file.string(), backup.sha256, backup.bytes,
                                                backup.seconds + backup.verifySeconds};
      engine::Log::info(kLogger, "Backup " + backup.file.string() + " (" +
                                     std::to_string(backup.bytes) + " bytes) verified.");
    } catch (const engine::BackupError& e) {
      if (args.backupMode == "required")
        throw RunStop{engine::RunExit::BackupFailed, "BackupFailed", e.what()};
      engine::Log::warning(kLogger, std::string("backup failed, continuing (--backup "
                                                "if-possible): ") +
                                        e.what());
    }
  }

  stage = "preparing the version and history tables";
  migrator.historyTable().setRunId(report.runId);
  migrator.begin(true);
  stage = "migrating to " + shown(args.target);
  try {
    if (executor) {
      engine::runStepsWithAlembic(*executor, migrator, *connection, graph, plan.migrationSteps(),
                                  rows);
    } else {
      migrator.run(plan.migrationSteps(), rows);
    }
  } catch (const engine::MigrationFailed& e) {
    report.lockRetries = migrator.lockRetriesMade();
    report.failedStep = engine::RunReport::FailedStep{revisionOfFile(plan, e.file()), e.file(),
                                                      e.sqlstate(), e.line()};
    try {
      report.to = migrator.currentRows();  // where the run stopped
    } catch (const std::exception&) {
      report.to.clear();  // the connection is gone: unknown
    }
    if (e.connectionLost()) {
      std::string revision = report.failedStep->revision;
      throw RunStop{engine::RunExit::Transient, "ConnectionLost",
                    "the connection to the database was lost during the step " +
                        (revision.empty() ? std::string() : "of revision " + revision + " ") + "(" +
                        e.file() +
                        "); PostgreSQL rolls back an unfinished step, and a new run reads the "
                        "version table again: " +
                        e.what()};
    }
    if (isTransientSqlstate(e.sqlstate()))
      throw RunStop{engine::RunExit::Transient, "TransientFailure", e.what()};
    throw RunStop{engine::RunExit::StepFailed, "StepFailed", e.what()};
  }
  report.lockRetries = migrator.lockRetriesMade();
  stage = "reading the version table after the run";
  report.to = migrator.currentRows();
  report.outcome = "Succeeded";
  report.reason = "Succeeded";
  report.message = std::to_string(plan.steps.size()) + " step(s) applied";
  return engine::RunExit::Ok;
}

void runRun(const GlobalOptions& options, const RunArgs& args) {
  auto start = std::chrono::steady_clock::now();
  engine::RunReport report;
  report.runId = args.runId.empty() ? newRunId() : args.runId;
  report.target = {args.target};
  std::string stage = "starting";
  const int code =
      runReporting(report, stage, [&] { return execute(options, args, report, stage); });
  finishRun(report, code, start, args.report, kLogger);
}

void install(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Plan, check policy, back up and migrate to TARGET; write a report (the Job).");
  cmd->add_option("target", args->target, "revision identifier")->required();
  cmd->add_flag("--allow-downgrade", args->allowDowngrade, "Allow a plan that downgrades");
  cmd->add_flag("--allow-data-loss", args->allowDataLoss,
                "Allow steps whose lint findings mark data loss");
  cmd->add_option("--backup", args->backupMode, "required, if-possible or disabled")
      ->check(CLI::IsMember({"required", "if-possible", "disabled"}));
  cmd->add_option("--backup-dir", args->backupDir, "Directory for backups (default: backups)");
  cmd->add_option("--backup-keep", args->backupKeep,
                  "Backups of this database to keep (0: keep all)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--plan-only", args->planOnly, "Report the plan and its hash; change nothing");
  cmd->add_option("--expect-plan", args->expectPlan,
                  "Refuse (exit 3) unless the plan's hash is this sha256:...");
  cmd->add_option("--report", args->report, "Write the JSON report to this file");
  cmd->add_option("--run-id", args->runId, "Run id for the report and the history table");
  cmd->add_option("--retry-for", args->retryFor,
                  "Seconds to keep retrying an unreachable database (default 60)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--executor", args->executor,
                  "Who runs the steps: retort (SQL scripts; default) or alembic (an Alembic "
                  "project's .py steps, through its own Alembic and env.py)")
      ->check(CLI::IsMember({"retort", "alembic"}));
  cmd->add_option("--python", args->python,
                  "Python with Alembic for --executor alembic (default: python3 on PATH)");
  cmd->callback([&options, args] { runRun(options, *args); });
}

}  // namespace
RETORT_COMMAND(run, install);
}  // namespace retort::cli
