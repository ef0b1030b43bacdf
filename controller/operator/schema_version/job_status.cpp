#include "operator/schema_version/job_status.hpp"

namespace retort::op {
namespace {

using nlohmann::json;

std::string stringAt(const json& object, const json::json_pointer& pointer) {
  if (!object.contains(pointer)) return {};
  const json& value = object.at(pointer);
  return value.is_string() ? value.get<std::string>() : std::string();
}

struct Termination {
  int exitCode = 0;
  std::string message;
  std::string finishedAt;  // RFC 3339 compares in time order as text
};

std::optional<Termination> retortTermination(const json& pod) {
  const json::json_pointer statusesPath("/status/containerStatuses");
  if (!pod.contains(statusesPath) || !pod.at(statusesPath).is_array()) return std::nullopt;
  for (const json& status : pod.at(statusesPath)) {
    if (status.value("name", "") != "retort") continue;
    for (const char* which : {"state", "lastState"}) {
      const auto state = status.find(which);
      if (state == status.end() || !state->is_object()) continue;
      const auto terminated = state->find("terminated");
      if (terminated == state->end() || !terminated->is_object()) continue;
      Termination t;
      t.exitCode = terminated->value("exitCode", 0);
      t.message = terminated->value("message", "");
      t.finishedAt = terminated->value("finishedAt", "");
      return t;
    }
  }
  return std::nullopt;
}

bool isCannotStartReason(const std::string& reason) {
  return reason == "ErrImagePull" || reason == "ImagePullBackOff" || reason == "InvalidImageName" ||
         reason == "ErrImageNeverPull" || reason == "CreateContainerConfigError" ||
         reason == "CreateContainerError" || reason == "Unschedulable";
}

// The newest pod, if none of its containers has started: what it waits on. An init
// container's wait (the Alembic bundle copy) counts like the main container's.
std::optional<PodWaiting> podWaitingOf(const std::vector<json>& pods) {
  const json* newest = nullptr;
  for (const json& pod : pods) {
    if (!newest || stringAt(pod, json::json_pointer("/metadata/creationTimestamp")) >
                       stringAt(*newest, json::json_pointer("/metadata/creationTimestamp")))
      newest = &pod;
  }
  if (!newest) return std::nullopt;
  const json& pod = *newest;
  const std::string phase = stringAt(pod, json::json_pointer("/status/phase"));
  if (phase != "Pending") return std::nullopt;
  PodWaiting waiting;
  waiting.podName = stringAt(pod, json::json_pointer("/metadata/name"));
  waiting.since = stringAt(pod, json::json_pointer("/metadata/creationTimestamp"));
  waiting.reason = "Pending";
  for (const char* list : {"initContainerStatuses", "containerStatuses"}) {
    const json::json_pointer path(std::string("/status/") + list);
    if (!pod.contains(path) || !pod.at(path).is_array()) continue;
    for (const json& status : pod.at(path)) {
      const auto state = status.find("state");
      if (state == status.end() || !state->is_object()) continue;
      const auto wait = state->find("waiting");
      if (wait == state->end() || !wait->is_object()) continue;
      const std::string reason = wait->value("reason", "");
      // A reason that will not heal wins over ContainerCreating or PodInitializing.
      if (reason.empty() || waiting.cannotStart) continue;
      if (isCannotStartReason(reason) || waiting.reason == "Pending") {
        waiting.reason = reason;
        waiting.message = wait->value("message", "");
        waiting.cannotStart = isCannotStartReason(reason);
      }
    }
  }
  const json::json_pointer conditionsPath("/status/conditions");
  if (!waiting.cannotStart && pod.contains(conditionsPath) && pod.at(conditionsPath).is_array()) {
    for (const json& c : pod.at(conditionsPath)) {
      if (c.value("type", "") == "PodScheduled" && c.value("status", "") == "False") {
        waiting.reason = c.value("reason", "Unschedulable");
        waiting.message = c.value("message", "");
        waiting.cannotStart = isCannotStartReason(waiting.reason);
      }
    }
  }
  return waiting;
}

}  // namespace

const char* jobPhaseName(JobPhase phase) {
  switch (phase) {
    case JobPhase::Running:
      return "Running";
    case JobPhase::Succeeded:
      return "Succeeded";
    case JobPhase::FailedPermanent:
      return "FailedPermanent";
    case JobPhase::FailedTransient:
      return "FailedTransient";
  }
  return "Running";
}

bool isPermanentExitCode(int code) {
  return code == 1 || code == 2 || code == 3 || code == 4 || code == 6;
}

JobObservation classifyJob(const json& job, const std::vector<json>& pods) {
  JobObservation out;
  out.name = stringAt(job, json::json_pointer("/metadata/name"));
  out.startTime = stringAt(job, json::json_pointer("/status/startTime"));
  out.completionTime = stringAt(job, json::json_pointer("/status/completionTime"));

  std::optional<Termination> latest;
  for (const json& pod : pods) {
    const std::optional<Termination> t = retortTermination(pod);
    if (t && (!latest || t->finishedAt >= latest->finishedAt)) latest = t;
  }
  if (latest) {
    out.exitCode = latest->exitCode;
    out.report = parseRunReport(latest->message);
  }

  bool complete = false;
  bool failed = false;
  std::string failedReason;
  std::string failedMessage;
  const json::json_pointer conditionsPath("/status/conditions");
  if (job.contains(conditionsPath) && job.at(conditionsPath).is_array()) {
    for (const json& c : job.at(conditionsPath)) {
      if (c.value("status", "") != "True") continue;
      const std::string type = c.value("type", "");
      if (type == "Complete" || type == "SuccessCriteriaMet") complete = true;
      if (type == "Failed" || type == "FailureTarget") {
        failed = true;
        failedReason = c.value("reason", "");
        failedMessage = c.value("message", "");
      }
    }
  }

  if (complete) {
    out.phase = JobPhase::Succeeded;
    out.reason = out.report ? out.report->reason : "Completed";
    out.message = out.report ? out.report->message : "";
    return out;
  }
  if (!failed) {
    out.podWaiting = podWaitingOf(pods);
    return out;
  }

  // podFailurePolicy fails the Job at once on a permanent exit code; a deadline will not pass
  // on a retry either. Running out of retries on the transient code stays transient.
  const bool permanentExit = out.exitCode && isPermanentExitCode(*out.exitCode);
  const bool permanent =
      failedReason == "PodFailurePolicy" || failedReason == "DeadlineExceeded" || permanentExit;
  out.phase = permanent ? JobPhase::FailedPermanent : JobPhase::FailedTransient;
  if (out.report) {
    out.reason = out.report->reason.empty() ? out.report->outcome : out.report->reason;
    out.message = out.report->message;
    const std::string where = out.report->failedLocation();
    if (!where.empty() && out.message.find(where) == std::string::npos)
      out.message += (out.message.empty() ? "" : " ") + std::string("at ") + where;
  } else {
    out.reason = failedReason.empty() ? "JobFailed" : failedReason;
    out.message = failedMessage;
    if (out.exitCode)
      out.message += (out.message.empty() ? "" : "; ") + std::string("retort exited with ") +
                     std::to_string(*out.exitCode);
  }
  return out;
}

}  // namespace retort::op
