#include "cli/job_support.hpp"

#include <cxxabi.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>
#include <typeinfo>

#include "cli/command.hpp"
#include "engine/revision/revision_errors.hpp"
#include "engine/revision/revision_resolver.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/log.hpp"
#include "engine/util/printable.hpp"
#include "engine/util/utf8.hpp"

namespace retort::cli {
namespace {

namespace fs = std::filesystem;

// A refused login or a missing database will not heal by waiting; everything else at connect
// time (refused connection, server starting up or shutting down) may.
bool isPermanentConnectFailure(const std::string& message) {
  return message.find("authentication failed") != std::string::npos ||
         message.find("does not exist") != std::string::npos ||
         message.find("no pg_hba.conf entry") != std::string::npos;
}

// The dynamic type of `e`, for a message about an exception nobody expected.
std::string typeName(const std::exception& e) {
  int status = 0;
  char* name = abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status);
  std::string out = status == 0 && name ? name : typeid(e).name();
  std::free(name);
  return out;
}

}  // namespace

std::string newRunId() {
  std::random_device random;
  static const char* hex = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 16; ++i) id += hex[random() % 16];
  return id;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool isTransientSqlstate(const std::string& sqlstate) {
  return sqlstate == "40P01" || sqlstate == "40001" || sqlstate == "55P03" ||
         sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

std::unique_ptr<engine::Connection> connectWithRetry(const std::string& url, double retryFor,
                                                     const char* logger) {
  auto start = std::chrono::steady_clock::now();
  double delay = 0.5;
  for (int attempt = 1;; ++attempt) {
    try {
      return std::make_unique<engine::Connection>(url);
    } catch (const engine::DatabaseError& e) {
      if (isPermanentConnectFailure(e.what())) throw RunStop{1, "ConnectionRefused", e.what()};
      double elapsed = secondsSince(start);
      if (elapsed + delay > retryFor) {
        throw RunStop{engine::RunExit::Transient, "DatabaseUnreachable",
                      std::string(e.what()) + " (gave up after " + std::to_string(attempt) +
                          " attempt(s) in " + std::to_string(static_cast<int>(elapsed)) + "s)"};
      }
      engine::Log::warning(logger, "attempt " + std::to_string(attempt) + " failed: " + e.what() +
                                       "; retrying in " + std::to_string(delay).substr(0, 4) + "s");
      std::this_thread::sleep_for(std::chrono::duration<double>(delay));
      delay = std::min(delay * 2, 10.0);
    }
  }
}

// Atomically where possible: a temporary file in the same directory, renamed over the report.
// A path that exists and is not a regular file (a device, /dev/termination-log on some
// runtimes) or whose directory refuses the rename is written directly, in one write.
void writeReport(const std::string& path, const std::string& text, const char* logger) {
  if (path.empty()) return;
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  bool regularOrMissing = ec || !fs::exists(status) || fs::is_regular_file(status);
  if (regularOrMissing) {
    fs::path target(path);
    fs::path tmp = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    tmp /= "." + target.filename().string() + ".tmp." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
      bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                ::fsync(fd) == 0;
      ::close(fd);
      if (ok && ::rename(tmp.c_str(), path.c_str()) == 0) return;
      ::unlink(tmp.c_str());
    }
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    engine::Log::error(logger, "cannot write the report to " + path);
  }
  if (fd >= 0) ::close(fd);
}

// The target as an operator can read it in a log line or the report: control bytes and bytes
// that are not UTF-8 written as \xNN.
int runReporting(engine::RunReport& report, const std::string& stage,
                 const std::function<int()>& body) {
  try {
    return body();
  } catch (const RunStop& stop) {
    report.reason = stop.reason;
    report.message = stop.message;
    return stop.exitCode;
  } catch (const engine::DatabaseError& e) {
    const bool transient = e.connectionLost() || isTransientSqlstate(e.sqlstate());
    report.reason = e.connectionLost() ? "ConnectionLost"
                    : transient        ? "TransientFailure"
                                       : "DatabaseError";
    report.message = "while " + stage + ": " + e.what();
    return transient ? engine::RunExit::Transient : engine::RunExit::StepFailed;
  } catch (const engine::Error& e) {
    // The engine's own refusals (a script it cannot run, a step awaiting `retort resolve`).
    report.reason = "Error";
    report.message = "while " + stage + ": " + e.what();
    return engine::RunExit::StepFailed;
  } catch (const std::exception& e) {
    // what() of a standard exception can be a bare function name ("stoi"): say where it came
    // from and what it is, so the report alone tells what failed.
    report.reason = "InternalError";
    report.message = "unexpected " + typeName(e) + " while " + stage + ": " + e.what();
    return engine::RunExit::StepFailed;
  }
}

void finishRun(engine::RunReport& report, int code, std::chrono::steady_clock::time_point start,
               const std::string& path, const char* logger) {
  if (code != engine::RunExit::Ok) {
    report.outcome = engine::outcomeFor(code);
    engine::Log::error(logger, report.reason + ": " + report.message);
  }
  report.seconds = secondsSince(start);
  std::string text = engine::renderRunReport(report);
  writeReport(path, text, logger);
  std::cout << text << std::endl;
  setExitCode(code);
}

std::string shown(const std::string& target) {
  return "\"" + engine::printable(engine::escapeInvalidUtf8(target)) + "\"";
}

// Refuses, before connecting, a target no revision can match: no revision id or label holds a
// control byte (scripts are UTF-8 text), and a relative count must fit the walk's int.
void checkTarget(const std::string& target) {
  if (target.find('\0') != std::string::npos || engine::hasControlByte(target))
    throw RunStop{engine::RunExit::Invalid, "InvalidTarget",
                  "target " + shown(target) + " holds a control byte"};
  if (engine::firstInvalidUtf8(target) != std::string::npos)
    throw RunStop{engine::RunExit::Invalid, "InvalidTarget",
                  "target " + shown(target) + " is not valid UTF-8"};
  try {
    engine::parseRelativeTarget(target);
  } catch (const engine::RevisionError& e) {
    throw RunStop{engine::RunExit::Invalid, "InvalidTarget", e.what()};
  }
}

std::string revisionOfFile(const engine::Plan& plan, const std::string& file) {
  for (const engine::PlannedStep& step : plan.steps)
    if (step.file == file) return step.revision;
  return "";
}

}  // namespace retort::cli
