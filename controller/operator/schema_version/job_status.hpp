// What became of a migration Job, from the Job object and its pods as the API returns them:
// still running, succeeded, or failed permanently or transiently. The exit code of the retort
// container follows DESIGN.md section 5 (0 done; 1, 2, 3, 4, 6 permanent; 5 transient) and the
// pod's termination message carries the RunReport. Pure: no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "operator/schema_version/run_report.hpp"

namespace retort::op {

enum class JobPhase { Running, Succeeded, FailedPermanent, FailedTransient };

const char* jobPhaseName(JobPhase phase);

// Exit codes of `retort run` (DESIGN.md section 5).
bool isPermanentExitCode(int code);  // 1, 2, 3, 4, 6
inline constexpr int kTransientExitCode = 5;

// The newest pod of a running Job whose retort container has not started: waiting for an
// image, a Secret, a volume or a node. `cannotStart` marks the waiting reasons that do not heal
// by waiting a few seconds (ErrImagePull, CreateContainerConfigError, Unschedulable, ...), which
// the SchemaVersion reports at once; any waiting counts towards spec.job.podStartTimeout.
struct PodWaiting {
  std::string podName;
  std::string reason;
  std::string message;
  std::string since;  // the pod's creationTimestamp, RFC 3339
  bool cannotStart = false;
  bool operator==(const PodWaiting&) const = default;
};

struct JobObservation {
  std::string name;
  JobPhase phase = JobPhase::Running;
  std::string reason;   // the Job's failure reason, or the report's reason
  std::string message;  // human text, naming file:line when a script failed
  std::optional<int> exitCode;
  std::optional<RunReport> report;
  std::string startTime;
  std::string completionTime;
  std::optional<PodWaiting> podWaiting;  // only while Running
};

// job: a batch/v1 Job; pods: the Job's pods (any order). The newest terminated retort
// container supplies the exit code and report.
JobObservation classifyJob(const nlohmann::json& job, const std::vector<nlohmann::json>& pods);

}  // namespace retort::op
