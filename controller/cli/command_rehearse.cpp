// `retort rehearse TARGET --scratch-url URL`: the plan to TARGET, run on a restored copy of the
// database before the database itself is touched (issue 20). Reads the source's heads and plans
// as `retort run` would (same policy, same --expect-plan), takes a verified backup of the source
// (or reuses the newest one in --backup-dir at the same heads and not older than --max-age),
// restores it into a new scratch database on the server --scratch-url names (pg_restore -j),
// runs the plan there with the same lock budget while a second session samples the lock waits,
// and drops the scratch database whatever happened. The source is only ever read: its session
// is read-only and the backup is pg_dump. A scratch database that a killed rehearsal of the same
// source left behind is found by its name and dropped by the next one; an advisory lock on the
// scratch server keeps two rehearsals of one source from dropping each other's. The report is
// `retort run`'s with a `rehearsal` object; the per-step table goes to stdout and the log.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/context.hpp"
#include "cli/job_support.hpp"
#include "engine/backup/backup.hpp"
#include "engine/lint/plan_annotation.hpp"
#include "engine/rehearsal/backup_choice.hpp"
#include "engine/rehearsal/lock_wait_sampler.hpp"
#include "engine/rehearsal/scratch_name.hpp"
#include "engine/rehearsal/step_record.hpp"
#include "engine/revision/run_report.hpp"
#include "engine/schema/scratch_database.hpp"
#include "engine/script/alembic_project.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/log.hpp"
#include "engine/util/text.hpp"

namespace retort::cli {
namespace {

namespace fs = std::filesystem;
namespace rehearsal = engine::rehearsal;
constexpr const char* kLogger = "retort.rehearse";
// Lock waits shorter than this may go unseen; a sample is one indexed query on a second session.
constexpr std::chrono::milliseconds kLockSampleInterval{100};

struct RehearseArgs {
  std::string target;
  std::string scratchUrl;
  bool allowDowngrade = false;
  bool allowDataLoss = false;
  std::string expectPlan;
  std::string backupDir;  // empty: a fresh backup in a temporary directory, removed afterwards
  std::string maxAge;     // with --backup-dir: reuse a backup this young at the same heads
  int backupKeep = 0;
  int jobs = 2;
  std::optional<double> maxSeconds;
  std::optional<double> maxLockWaitSeconds;
  std::string report;
  std::string runId;
  double retryFor = 60;
};

// What the rehearsal measured, kept by the caller so a failed rehearsal still reports it.
struct Measured {
  std::string scratchDatabase;
  bool backupReused = false;
  double restoreSeconds = 0;
  double migrateSeconds = 0;
  std::vector<rehearsal::StepRecord> steps;
};

std::string randomHex8() {
  std::string id = newRunId();
  return id.substr(0, 8);
}

// The newest backup in `directory` that fits, verified by restoreBackup() later; none: take one.
std::optional<fs::path> reusableBackup(const fs::path& directory, const std::string& database,
                                       const std::vector<std::string>& heads,
                                       const std::string& maxAge) {
  if (maxAge.empty() || !fs::is_directory(directory)) return std::nullopt;
  std::optional<std::chrono::seconds> age = rehearsal::parseAge(maxAge);
  if (!age) {
    throw RunStop{engine::RunExit::Usage, "InvalidArgument",
                  "--max-age " + maxAge + ": expected a duration such as 24h, 90m or 1h30m"};
  }
  std::vector<rehearsal::BackupCandidate> candidates;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory)) {
    const fs::path& p = entry.path();
    if (p.extension() != ".dump" || p.filename().string().front() == '.') continue;
    try {
      engine::backup::Sidecar sidecar = engine::backup::readSidecar(p);
      candidates.push_back({p, sidecar.database, sidecar.heads, sidecar.time});
    } catch (const engine::Error& e) {
      engine::Log::warning(kLogger, "not reusing " + p.string() + ": " + e.what());
    }
  }
  std::vector<size_t> fit = rehearsal::reusableBackups(candidates, database, heads,
                                                       std::chrono::system_clock::now(), *age);
  if (fit.empty()) return std::nullopt;
  return candidates[fit.front()].file;
}

// Drops what killed rehearsals of this source left on the scratch server. The caller holds the
// source's advisory lock there, so none of them belongs to a rehearsal still running.
void dropLeftovers(engine::Connection& admin, const std::string& sourceDatabase) {
  engine::Result r = admin.exec("SELECT datname FROM pg_database ORDER BY datname");
  for (int i = 0; i < r.rows(); ++i) {
    std::string name = r.value(i, 0);
    if (!rehearsal::isScratchOf(name, sourceDatabase)) continue;
    engine::Log::warning(kLogger, "dropping " + name + ", left behind by an earlier rehearsal");
    admin.exec("DROP DATABASE IF EXISTS " + admin.quoteIdentifier(name) + " WITH (FORCE)");
  }
}

engine::Plan planFor(const engine::RevisionGraph& graph, const std::vector<std::string>& rows,
                     const std::string& target) {
  engine::RevisionResolver resolver(graph);
  engine::Plan plan = [&] {
    try {
      return engine::planMigration(resolver, rows, target);
    } catch (const engine::Error& e) {
      throw RunStop{engine::RunExit::Invalid, "UnknownRevision", e.what()};
    }
  }();
  engine::lint::annotatePlan(plan, graph);
  for (const std::string& w : resolver.warnings()) engine::Log::warning(kLogger, w);
  return plan;
}

// Runs the plan on the scratch copy, one StepRecord per step as it goes.
void migrateScratch(const GlobalOptions& options, const engine::RevisionGraph& graph,
                    const engine::Plan& plan, const std::string& scratchUri, Measured& measured) {
  engine::Connection connection(scratchUri);
  const int pid = std::stoi(connection.exec("SELECT pg_backend_pid()").value(0, 0));
  rehearsal::LockWaitSampler sampler(
      [scratchUri] { return std::make_unique<engine::Connection>(scratchUri); }, pid,
      kLockSampleInterval);
  for (const engine::PlannedStep& step : plan.steps) {
    rehearsal::StepRecord record;
    record.revision = step.revision;
    record.file = step.file;
    record.way = step.isUpgrade() ? "upgrade" : "downgrade";
    measured.steps.push_back(std::move(record));
  }

  engine::RunOptions run = runOptions(options);
  run.connectWatcher = [scratchUri] { return std::make_unique<engine::Connection>(scratchUri); };
  size_t next = 0;
  auto stepStart = std::chrono::steady_clock::now();
  // A step's time runs from the end of the one before; its commit may ride with the next batch.
  run.onStepRan = [&](const engine::MigrationStep&, std::optional<long long> rows) {
    rehearsal::StepRecord& record = measured.steps.at(next++);
    record.state = rehearsal::StepRecord::State::Succeeded;
    record.seconds = secondsSince(stepStart);
    record.rows = rows;
    record.lockWaits = sampler.endStep();
    engine::Log::info(kLogger, "step " + std::to_string(next) + " of " +
                                   std::to_string(plan.steps.size()) + " (" + record.revision +
                                   ") took " + std::to_string(record.seconds).substr(0, 5) + " s");
    stepStart = std::chrono::steady_clock::now();
    sampler.beginStep();
  };
  engine::Migrator migrator(connection, graph, versionTableName(options), run);
  migrator.begin(true);
  std::vector<std::string> rows = migrator.currentRows(), have = rows, expected = plan.fromHeads;
  std::sort(have.begin(), have.end());
  std::sort(expected.begin(), expected.end());
  if (have != expected) {
    throw RunStop{engine::RunExit::BackupFailed, "RestoreMismatch",
                  "the restored copy's version table holds [" + engine::join(have) +
                      "], the database's [" + engine::join(expected) + "]"};
  }
  auto start = std::chrono::steady_clock::now();
  sampler.beginStep();
  try {
    migrator.run(plan.migrationSteps(), rows);
  } catch (const engine::MigrationFailed&) {
    measured.migrateSeconds = secondsSince(start);
    if (next < measured.steps.size()) {
      rehearsal::StepRecord& record = measured.steps[next];
      record.state = rehearsal::StepRecord::State::Failed;
      record.seconds = secondsSince(stepStart);
      record.lockWaits = sampler.endStep();
    }
    throw;
  }
  measured.migrateSeconds = secondsSince(start);
}

int execute(const GlobalOptions& options, const RehearseArgs& args, engine::RunReport& report,
            Measured& measured) {
  checkTarget(args.target);
  if (args.scratchUrl.empty())
    throw RunStop{engine::RunExit::Usage, "InvalidArgument",
                  "--scratch-url (or SCRATCH_DATABASE_URL) is required: the server the copy is "
                  "restored on"};
  if (!args.maxAge.empty() && args.backupDir.empty())
    throw RunStop{engine::RunExit::Usage, "InvalidArgument",
                  "--max-age " + args.maxAge +
                      " needs --backup-dir: the directory to look for a backup to reuse in"};
  engine::ScriptDirectory scripts = [&] {
    try {
      return loadScripts(options);
    } catch (const engine::Error& e) {
      throw RunStop{engine::RunExit::Invalid, "InvalidScripts", e.what()};
    }
  }();
  const engine::RevisionGraph& graph = scripts.graph();
  std::string url = options.databaseUrl();

  // The source: read only, for its heads and the server facts the backup records.
  std::unique_ptr<engine::Connection> source = connectWithRetry(url, args.retryFor, kLogger);
  source->exec("SET default_transaction_read_only = on");
  engine::Migrator reader(*source, graph, versionTableName(options), runOptions(options));
  reader.begin(false);
  std::vector<std::string> rows = reader.currentRows();
  report.from = rows;
  engine::backup::ServerFacts server = engine::backup::readServerFacts(*source);
  source.reset();

  engine::Plan plan = planFor(graph, rows, args.target);
  report.describePlan(plan);
  if (!args.expectPlan.empty() && args.expectPlan != report.planHash) {
    throw RunStop{engine::RunExit::Refused, "PlanMismatch",
                  "the plan's hash is " + report.planHash + ", not the expected " +
                      args.expectPlan + " (a script or the database changed since)"};
  }
  engine::PolicyDecision policy =
      engine::decidePolicy(plan, args.allowDowngrade, args.allowDataLoss);
  if (!policy.allowed) throw RunStop{engine::RunExit::Refused, policy.reason, policy.message};
  try {
    engine::refuseUnconvertedSteps(graph, plan.migrationSteps());
  } catch (const engine::Error& e) {
    throw RunStop{engine::RunExit::Invalid, "UnconvertedAlembicScript", e.what()};
  }
  if (plan.empty()) {
    report.outcome = "NothingToDo";
    report.reason = "AtTarget";
    report.message = "the database is already at " + args.target + ": nothing to rehearse";
    return engine::RunExit::Ok;
  }

  // One rehearsal of this source at a time on the scratch server, held to the end.
  std::unique_ptr<engine::Connection> admin =
      connectWithRetry(args.scratchUrl, args.retryFor, kLogger);
  const std::string prefix = rehearsal::scratchPrefix(server.database);
  admin->exec("SELECT pg_advisory_lock(hashtext($1))", {prefix});
  dropLeftovers(*admin, server.database);

  // The backup: a reused one, or a fresh one (kept in --backup-dir, else removed at the end).
  std::optional<fs::path> temporary;
  struct RemoveTemporary {
    std::optional<fs::path>& path;
    ~RemoveTemporary() {
      std::error_code ignored;
      if (path) fs::remove_all(*path, ignored);
    }
  } removeTemporary{temporary};
  std::optional<fs::path> file = reusableBackup(args.backupDir, server.database, rows, args.maxAge);
  measured.backupReused = file.has_value();
  if (file) {
    engine::Log::info(kLogger, "Reusing the backup " + file->string());
  } else {
    fs::path directory = args.backupDir;
    if (directory.empty()) {
      temporary = fs::temp_directory_path() / ("retort-rehearse-" + randomHex8());
      directory = *temporary;
    }
    engine::backup::BackupRequest request;
    request.databaseUrl = url;
    request.directory = directory;
    request.keep = args.backupKeep;
    request.heads = rows;
    request.server = server;
    request.progress = [](const std::string& line) { engine::Log::info(kLogger, line); };
    engine::Log::info(kLogger, "Backing up " + server.database + " ...");
    try {
      engine::backup::BackupResult backup = engine::backup::takeBackup(request);
      report.backup = engine::RunReport::Backup{backup.file.string(), backup.sha256, backup.bytes,
                                                backup.seconds + backup.verifySeconds};
      file = backup.file;
    } catch (const engine::BackupError& e) {
      throw RunStop{engine::RunExit::BackupFailed, "BackupFailed", e.what()};
    }
  }

  measured.scratchDatabase =
      rehearsal::scratchName(server.database, std::chrono::system_clock::now(), randomHex8());
  engine::schema::ScratchDatabase scratch(args.scratchUrl, measured.scratchDatabase);
  engine::Log::info(kLogger, "Restoring " + file->string() + " into " + scratch.name() + " (" +
                                 std::to_string(args.jobs) + " jobs) ...");
  auto restoreStart = std::chrono::steady_clock::now();
  try {
    engine::backup::RestoreRequest request;
    request.databaseUrl = scratch.uri();
    request.file = *file;
    request.jobs = args.jobs;
    request.progress = [](const std::string& line) { engine::Log::info(kLogger, line); };
    engine::backup::restoreBackup(request);
  } catch (const engine::BackupError& e) {
    throw RunStop{engine::RunExit::BackupFailed, "RestoreFailed", e.what()};
  }
  measured.restoreSeconds = secondsSince(restoreStart);
  engine::Log::info(kLogger, "Restored in " + std::to_string(measured.restoreSeconds).substr(0, 6) +
                                 " s; running the plan's " + std::to_string(plan.steps.size()) +
                                 " step(s) on the copy");

  try {
    migrateScratch(options, graph, plan, scratch.uri(), measured);
  } catch (const engine::MigrationFailed& e) {
    report.failedStep = engine::RunReport::FailedStep{revisionOfFile(plan, e.file()), e.file(),
                                                      e.sqlstate(), e.line()};
    throw RunStop{engine::RunExit::StepFailed, "RehearsalFailed",
                  "the rehearsal failed at " + e.file() + ":" + std::to_string(e.line()) +
                      " and the database was not touched: " + e.what()};
  }
  if (std::optional<rehearsal::BudgetBreach> breach =
          rehearsal::checkBudget(measured.steps, {args.maxSeconds, args.maxLockWaitSeconds})) {
    throw RunStop{engine::RunExit::Refused, breach->reason, breach->message};
  }
  report.to = plan.toHeads;
  report.outcome = "Succeeded";
  report.reason = "Rehearsed";
  report.message = std::to_string(plan.steps.size()) +
                   " step(s) rehearsed on a restored copy; the database was not touched";
  return engine::RunExit::Ok;
}

void describeRehearsal(const Measured& measured, engine::RunReport& report) {
  if (measured.scratchDatabase.empty()) return;
  engine::RunReport::Rehearsal r;
  r.scratchDatabase = measured.scratchDatabase;
  r.backupReused = measured.backupReused;
  r.restoreSeconds = measured.restoreSeconds;
  r.migrateSeconds = measured.migrateSeconds;
  for (size_t i : rehearsal::slowestSteps(measured.steps, measured.steps.size())) {
    const rehearsal::StepRecord& s = measured.steps[i];
    r.slowestSteps.push_back({s.revision, s.file, s.seconds, s.rows});
  }
  for (const rehearsal::StepRecord& s : measured.steps) {
    r.lockWaitSeconds += s.lockWaitSeconds();
    for (const rehearsal::LockWait& w : s.lockWaits)
      r.lockWaits.push_back({s.revision, w.key.lockType, w.key.mode, w.key.relation, w.seconds});
  }
  std::stable_sort(r.lockWaits.begin(), r.lockWaits.end(),
                   [](const auto& a, const auto& b) { return a.seconds > b.seconds; });
  report.rehearsal = std::move(r);
}

void runRehearse(const GlobalOptions& options, const RehearseArgs& args) {
  auto start = std::chrono::steady_clock::now();
  engine::RunReport report;
  report.runId = args.runId.empty() ? newRunId() : args.runId;
  report.target = {args.target};
  Measured measured;
  const std::string stage = "rehearsing";
  const int code =
      runReporting(report, stage, [&] { return execute(options, args, report, measured); });
  describeRehearsal(measured, report);
  if (!measured.steps.empty()) std::cout << rehearsal::renderStepTable(measured.steps);
  finishRun(report, code, start, args.report, kLogger);
}

void install(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<RehearseArgs>();
  CLI::App* cmd = app.add_subcommand(
      "rehearse",
      "Run the plan to TARGET on a restored copy of the database; the database is not touched.");
  cmd->add_option("target", args->target, "revision identifier")->required();
  // The environment keeps the scratch server's credentials off the command line (the Job's way).
  cmd->add_option("--scratch-url", args->scratchUrl,
                  "A database on the server to restore the copy on (needs CREATEDB there)")
      ->envname("SCRATCH_DATABASE_URL");
  cmd->add_flag("--allow-downgrade", args->allowDowngrade, "Allow a plan that downgrades");
  cmd->add_flag("--allow-data-loss", args->allowDataLoss,
                "Allow steps whose lint findings mark data loss");
  cmd->add_option("--expect-plan", args->expectPlan,
                  "Refuse (exit 3) unless the plan's hash is this sha256:...");
  cmd->add_option("--backup-dir", args->backupDir,
                  "Keep the fresh backup here, and look here for one to reuse (--max-age)");
  cmd->add_option("--max-age", args->maxAge,
                  "Reuse the newest backup in --backup-dir at the same heads this young (24h)");
  cmd->add_option("--backup-keep", args->backupKeep,
                  "Backups of this database to keep in --backup-dir (0: keep all)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--jobs", args->jobs, "Parallel pg_restore jobs (default 2)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--max-seconds", args->maxSeconds,
                  "Fail the rehearsal when the plan's steps take longer than this")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-lock-wait-seconds", args->maxLockWaitSeconds,
                  "Fail the rehearsal when its steps wait longer than this for locks")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--report", args->report, "Write the JSON report to this file");
  cmd->add_option("--run-id", args->runId, "Run id for the report and the history table");
  cmd->add_option("--retry-for", args->retryFor,
                  "Seconds to keep retrying an unreachable database (default 60)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&options, args] { runRehearse(options, *args); });
}

}  // namespace
RETORT_COMMAND(rehearse, install);
}  // namespace retort::cli
