#include "engine/runtime/alembic_executor.hpp"

#include <chrono>

#include "engine/backup/child_process.hpp"
#include "engine/runtime/connection.hpp"
#include "engine/runtime/migrator.hpp"
#include "engine/script/alembic_project.hpp"
#include "engine/script/script_directory.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/log.hpp"
#include "engine/util/text.hpp"

namespace retort::engine {

namespace {

constexpr const char* kLogger = "retort.alembic";

backup::ChildResult runHelper(const AlembicExecutor& executor, std::vector<std::string> argv) {
  backup::ChildOptions options;
  options.captureStdout = true;
  options.workingDirectory = executor.workingDirectory;
  // The URL goes through the environment only; the helpers read DATABASE_URL.
  if (!executor.databaseUrl.empty()) options.environment["DATABASE_URL"] = executor.databaseUrl;
  argv.insert(argv.begin(), executor.python);
  backup::ChildResult result = backup::runChild(argv, options);
  std::vector<std::string> secrets = passwordsIn(executor.databaseUrl);
  result.stderrText = maskSecrets(result.stderrText, secrets);
  result.stdoutText = maskSecrets(result.stdoutText, secrets);
  return result;
}

std::string helper(const AlembicExecutor& executor, const char* name) {
  return (executor.helperDirectory / name).string();
}

std::string lastLines(const std::string& text, size_t count) {
  size_t at = text.size();
  if (at > 0 && text[at - 1] == '\n') --at;
  for (size_t seen = 0; at > 0; --at) {
    if (text[at - 1] == '\n' && ++seen == count) break;
  }
  return text.substr(at);
}

}  // namespace

void checkAlembicAvailable(const AlembicExecutor& executor) {
  backup::ChildResult r = runHelper(executor, {"-c", "import alembic"});
  if (r.exitCode != 0) {
    throw CommandError("--executor alembic runs the project's steps with " + executor.python +
                       " and Alembic, and it cannot import Alembic (exit " +
                       std::to_string(r.exitCode) + "): " + lastLines(r.stderrText, 3) +
                       " Install Alembic for that Python, or pass --python.");
  }
  if (!std::filesystem::exists(executor.helperDirectory / "alembic_run_step.py")) {
    throw CommandError("Retort's Alembic helpers are not in " + executor.helperDirectory.string() +
                       " (set RETORT_ALEMBIC_HELPERS to the directory holding "
                       "alembic_run_step.py)");
  }
}

RenderedSteps renderAlembicOffline(const AlembicExecutor& executor, const std::string& direction) {
  backup::ChildResult r = runHelper(
      executor, {helper(executor, "alembic_offline_sql.py"), executor.ini.string(), direction});
  if (r.exitCode != 0) {
    throw CommandError("Alembic's offline mode (" + direction + " --sql) failed for " +
                       executor.ini.string() + " (exit " + std::to_string(r.exitCode) + "):\n" +
                       lastLines(r.stderrText, 10));
  }
  return parseOfflineRendering(r.stdoutText);
}

void runAlembicStep(const AlembicExecutor& executor, const Script& script, bool upgrade) {
  backup::ChildResult r =
      runHelper(executor, {helper(executor, "alembic_run_step.py"), executor.ini.string(),
                           upgrade ? "upgrade" : "downgrade", script.revision});
  if (!r.stdoutText.empty()) Log::info(kLogger, lastLines(r.stdoutText, 20));
  if (r.exitCode == 0) return;
  std::optional<AlembicStepFailure> failure = parseAlembicStepFailure(r.stderrText);
  std::string what = std::string(upgrade ? "upgrade" : "downgrade") + " of " + script.revision;
  if (failure) {
    std::string where =
        script.path.string() + (failure->line > 0 ? ":" + std::to_string(failure->line) : "");
    throw MigrationFailed(where + ": Alembic's " + what + " failed: " + failure->message,
                          script.path.string(), failure->line, failure->sqlstate);
  }
  throw MigrationFailed(script.path.string() + ": Alembic's " + what + " failed (exit " +
                            std::to_string(r.exitCode) + "):\n" + lastLines(r.stderrText, 10),
                        script.path.string(), 0);
}

std::vector<std::string> runStepsWithAlembic(const AlembicExecutor& executor, Migrator& migrator,
                                             Connection& connection, const RevisionGraph& graph,
                                             const std::vector<MigrationStep>& steps,
                                             std::vector<std::string> rows) {
  // History rows are the run's record: commit them durably (begin() turned this off for
  // Retort's own steps, whose last commit is synchronous).
  connection.exec("SET synchronous_commit = on");
  for (const MigrationStep& step : steps) {
    bool python = step.kind != MigrationStep::Kind::Stamp && step.revision >= 0 &&
                  isAlembicPythonScript(graph.script(step.revision));
    if (!python) {
      rows = migrator.run({step}, rows);
      continue;
    }
    const Script& script = graph.script(step.revision);
    Log::info(kLogger, "Running " + step.longLog(graph) + " with Alembic");
    const auto start = std::chrono::steady_clock::now();
    try {
      runAlembicStep(executor, script, step.isUpgrade());
    } catch (const MigrationFailed& e) {
      HistoryRecord record = historyRecordFor(graph, step, millisecondsSince(start));
      record.success = false;
      record.error = e.what();
      connection.exec(migrator.historyTable().insertSql(record));
      throw;
    }
    connection.exec(
        migrator.historyTable().insertSql(historyRecordFor(graph, step, millisecondsSince(start))));
    rows = migrator.currentRows();
  }
  return rows;
}

}  // namespace retort::engine
