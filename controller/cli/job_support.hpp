// What the Job's entry points (`retort run`, `retort rehearse`) share: how a run ends (RunStop,
// an exit code of DESIGN.md section 5 with the report's reason), connecting with retries for a
// database that is not up yet, the checks on the target text before anything connects, and
// writing the report where the kubelet reads the termination message.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "engine/revision/plan.hpp"
#include "engine/revision/run_report.hpp"
#include "engine/runtime/connection.hpp"

namespace retort::cli {

// Ends a run with an exit code of DESIGN.md section 5 and the report's reason.
struct RunStop {
  int exitCode;
  std::string reason;
  std::string message;
};

// 16 random hex digits: a run's id in its report and the history table.
std::string newRunId();
double secondsSince(std::chrono::steady_clock::time_point start);
// Deadlock, serialization failure, lock not available, lost or restarting server.
bool isTransientSqlstate(const std::string& sqlstate);
// Connects, retrying failures that may heal (a refused connection, a server starting up) with
// backoff for `retryFor` seconds; throws RunStop (Transient, or 1 for a refused login).
std::unique_ptr<engine::Connection> connectWithRetry(const std::string& url, double retryFor,
                                                     const char* logger);
// Writes the report atomically where the path allows it (a temporary file renamed over it);
// an empty path writes nothing.
void writeReport(const std::string& path, const std::string& text, const char* logger);
// Runs `body` and returns its exit code; what it throws becomes an exit code and the report's
// reason and message ("while <stage>: ..."; `stage` is read when the exception arrives, so the
// body may move it on): RunStop as it says, database errors as transient or failed, the
// engine's own errors and any other exception (named by its type) as a failed run.
int runReporting(engine::RunReport& report, const std::string& stage,
                 const std::function<int()>& body);
// Ends a run: the report's outcome from the exit code (and the failure logged), its seconds since
// `start`; the report written to `path` and stdout; the process's exit code set.
void finishRun(engine::RunReport& report, int code, std::chrono::steady_clock::time_point start,
               const std::string& path, const char* logger);
// The target as a log line or the report can show it (control and non-UTF-8 bytes as \xNN).
std::string shown(const std::string& target);
// Refuses (RunStop Invalid) a target no revision can match, before connecting.
void checkTarget(const std::string& target);
// The revision of the plan's step whose script is `file`; "" when none.
std::string revisionOfFile(const engine::Plan& plan, const std::string& file);

}  // namespace retort::cli
