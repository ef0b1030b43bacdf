// The RunReport that `retort run` writes to its termination message (DESIGN.md section 5),
// read leniently: a missing or malformed report (the pod was killed, the message was cut) is
// "no report", never an error, because the Job's exit code still classifies the run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace retort::op {

struct FailedStep {
  std::string revision;
  std::string file;
  std::int64_t line = 0;
  std::string sqlstate;
};

struct BackupReport {
  std::string file;
  std::int64_t bytes = 0;
  std::string sha256;
  double seconds = 0;
};

// What `retort rehearse` adds: the copy's restore and steps, the slowest step, the lock waits.
struct RehearsalReport {
  double restoreSeconds = 0;
  double migrateSeconds = 0;
  std::string slowestRevision;
  std::string slowestFile;
  double slowestSeconds = 0;
  double lockWaitSeconds = 0;
};

struct RunReport {
  std::string runId;
  std::string
      outcome;  // Succeeded NothingToDo Planned Failed Refused BackupFailed Transient Invalid
  std::string reason;
  std::string message;
  std::vector<std::string> from;
  std::vector<std::string> to;
  std::vector<std::string> target;
  std::string direction;
  std::int64_t steps = 0;
  std::string planHash;
  bool dataLoss = false;
  std::vector<std::string> planSteps;  // a line a step (revision, file, way, findings)
  std::int64_t lockRetries = 0;        // steps tried again after a lock timeout
  std::optional<FailedStep> failedStep;
  std::optional<BackupReport> backup;
  std::optional<RehearsalReport> rehearsal;
  double seconds = 0;

  // "file:line" of the failed step when there is one, else "".
  std::string failedLocation() const;
};

std::optional<RunReport> parseRunReport(const std::string& terminationMessage);

}  // namespace retort::op
