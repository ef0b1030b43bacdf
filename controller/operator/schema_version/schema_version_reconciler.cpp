#include "operator/schema_version/schema_version_reconciler.hpp"

#include "kube/api_error.hpp"
#include "operator/runtime/log_fields.hpp"
#include "operator/schema_version/conditions.hpp"
#include "operator/schema_version/decide.hpp"
#include "operator/schema_version/job_builder.hpp"
#include "operator/schema_version/job_refusal.hpp"
#include "operator/schema_version/job_status.hpp"
#include "operator/schema_version/metric_values.hpp"
#include "operator/schema_version/move_inputs.hpp"
#include "operator/schema_version/schema_version.hpp"

namespace retort::op {

kube::Resource schemaVersionResource() {
  return {kGroup, kVersion, "schemaversions", true};
}

SchemaVersionReconciler::SchemaVersionReconciler(ReconcilerSources sources)
    : sources_(std::move(sources)) {}

void SchemaVersionReconciler::writeStatus(const nlohmann::json& object,
                                          const SchemaVersionStatus& status) {
  const nlohmann::json current = object.value("status", nlohmann::json::object());
  if (statusFromJson(current) == status) return;
  nlohmann::json patch = {{"status", statusToJson(status)}};
  // Optimistic concurrency: a stale cache gets a 409 and the key is retried with a fresh read.
  patch["metadata"] = {{"resourceVersion", object["metadata"]["resourceVersion"]}};
  try {
    sources_.client->patch_status(
        schemaVersionResource(), object["metadata"].value("namespace", ""),
        object["metadata"].value("name", ""), kube::PatchType::Merge, patch);
  } catch (const kube::ApiError& error) {
    if (!error.is_conflict()) throw;
    throw StaleObject(std::string("status not written, the object changed since it was read: ") +
                      error.what());
  }
  ++statusWrites_;
}

PromotionSourceState SchemaVersionReconciler::readPromotionSource(const SchemaVersion& sv,
                                                                  const PromotionSource& source) {
  PromotionSourceState state;
  state.ns = source.ns.empty() ? sv.ns : source.ns;
  state.name = source.name;
  // The cache holds it when the controller watches its namespace; else one GET, which the
  // chart's promotionSourceNamespaces allows.
  std::optional<nlohmann::json> object = sources_.schemaVersions->get(state.ns + "/" + state.name);
  if (!object) {
    try {
      object = sources_.client->get(schemaVersionResource(), state.ns, state.name);
    } catch (const kube::ApiError& error) {
      state.problem = error.is_not_found() ? "not found"
                      : error.code() == 403
                          ? "cannot be read: forbidden (the chart's promotionSourceNamespaces "
                            "grants the controller read access to other namespaces)"
                          : std::string("cannot be read: ") + error.what();
      return state;
    }
  }
  const SchemaVersionStatus status = statusFromJson(object->value("status", nlohmann::json()));
  const std::int64_t generation = (*object)["metadata"].value("generation", 0);
  const Condition* ready = findCondition(status.conditions, condition::kReady);
  state.ready = ready && ready->status == "True" && status.observedGeneration == generation;
  state.readySince = ready ? ready->lastTransitionTime : "";
  state.currentRevisions = status.currentRevisions;
  return state;
}

void SchemaVersionReconciler::publishPlan(const nlohmann::json& configMap) {
  const std::string ns = configMap["metadata"].value("namespace", "");
  const std::string name = configMap["metadata"].value("name", "");
  try {
    sources_.client->create(kube::resources::config_maps(), ns, configMap);
  } catch (const kube::ApiError& error) {
    if (!error.is_already_exists()) throw;
    sources_.client->patch(kube::resources::config_maps(), ns, name, kube::PatchType::Merge,
                           {{"metadata",
                             {{"labels", configMap["metadata"]["labels"]},
                              {"ownerReferences", configMap["metadata"]["ownerReferences"]}}},
                            {"data", configMap["data"]}});
  }
}

ReconcileResult SchemaVersionReconciler::reconcile(const std::string& key) {
  struct CountOnExit {
    std::atomic<std::uint64_t>& count;
    ~CountOnExit() { ++count; }
  } counted{reconciles_};
  const std::optional<nlohmann::json> object = sources_.schemaVersions->get(key);
  if (!object) {
    // Deleted: its Jobs go with it (owner references); its metrics and schedules go here, the
    // schedule first (once unscheduled, no drift check counts into its metrics again).
    const engine::LogFields fields = keyLogFields(key);
    if (sources_.drift) sources_.drift->unschedule(key);
    if (sources_.metrics) sources_.metrics->removeSchemaVersion(fields[0].second, fields[1].second);
    if (sources_.transientBackoff) sources_.transientBackoff->reset(key);
    return {};
  }

  SchemaVersion sv;
  try {
    sv = schemaVersionFromJson(*object);
  } catch (const SpecError& error) {
    SchemaVersionStatus status = statusFromJson(object->value("status", nlohmann::json()));
    const std::int64_t generation = object->at("metadata").value("generation", 0);
    const std::string now = sources_.now();
    setCondition(status.conditions,
                 {condition::kStalled, "True", "InvalidSpec", error.what(), generation, ""}, now);
    setCondition(status.conditions,
                 {condition::kReady, "False", "InvalidSpec", error.what(), generation, ""}, now);
    setCondition(status.conditions,
                 {condition::kReconciling, "False", "InvalidSpec", "", generation, ""}, now);
    status.observedGeneration = generation;
    writeStatus(*object, status);
    const engine::LogFields fields = keyLogFields(key);
    if (sources_.metrics)
      sources_.metrics->recordSchemaVersion(fields[0].second, fields[1].second, status);
    throw TerminalError(key + ": " + error.what());
  }

  if (!object->at("spec").contains("driftCheckInterval"))
    sv.spec.driftCheckInterval = sources_.defaultDriftCheckInterval;
  std::optional<DriftObservation> drift;
  if (sources_.drift) {
    sources_.drift->schedule(key, std::chrono::duration_cast<Duration>(sv.spec.driftCheckInterval));
    drift = sources_.drift->take(key, sv.status);
  }

  const std::string jobName = currentMoveJobName(sv, drift);
  std::optional<JobObservation> job;
  if (const auto jobObject = sources_.jobs->get(sv.ns + "/" + jobName)) {
    // Only the pods named after the Job are parsed; the label tells them from the pods of a Job
    // whose name merely starts the same.
    std::vector<nlohmann::json> pods;
    for (nlohmann::json& pod : sources_.pods->list(sv.ns + "/" + podNamePrefix(jobName))) {
      const nlohmann::json& meta = pod["metadata"];
      const auto labels = meta.find("labels");
      if (labels != meta.end() && labels->value("job-name", "") == jobName)
        pods.push_back(std::move(pod));
    }
    job = classifyJob(*jobObject, pods);
    if (sources_.transientBackoff && job->phase == JobPhase::FailedTransient)
      sources_.transientBackoff->recordFailure(key, (*jobObject)["metadata"].value("uid", ""));
    if (sources_.transientBackoff && job->phase == JobPhase::Succeeded)
      sources_.transientBackoff->reset(key);
  }

  Observation observation{
      sv, job, drift, sources_.now(),
      sources_.transientBackoff ? sources_.transientBackoff->remaining(key) : std::nullopt};
  for (const PromotionSource& source : sv.spec.promotionAfter)
    observation.promotionSources.push_back(readPromotionSource(sv, source));
  Decision decision = decide(observation);
  // A move about to start: what its pod mounts must exist, or the pod would wait on it for
  // nothing.
  if (decision.createJob) {
    if (auto refusal = checkMoveInputs(*sources_.client, *sources_.secrets, sv, decision.job)) {
      observation.moveRefused = std::move(refusal);
      decision = decide(observation);
    }
  }

  // The outcome is written before the failed Job is deleted: when the write fails (a 409 from a
  // stale cache), the Job is still there for the next pass to observe. Deleted first, the next
  // pass would find neither the Job nor its outcome and start the move again at once.
  if (decision.deleteJob) {
    writeStatus(*object, decision.status);
    try {
      sources_.client->remove(kube::resources::jobs(), sv.ns, decision.jobName,
                              kube::PropagationPolicy::Background);
    } catch (const kube::ApiError& error) {
      if (error.code() != 404) throw;
    }
  }
  if (decision.createJob && !job && sv.status.lastRun &&
      sv.status.lastRun->jobName == decision.jobName) {
    // The cached status says this move's Job was started, and the Job is gone: deleted (by this
    // controller after it failed, by its TTL, by a person), or the cache has not yet seen the
    // outcome written before that deletion (the Job's delete event can overtake the status
    // update's). Ask the server before starting the move again: a stale cache is retried, and a
    // transient failure's backoff is not skipped.
    const nlohmann::json fresh = sources_.client->get(schemaVersionResource(), sv.ns, sv.name);
    if (fresh["metadata"].value("resourceVersion", "") !=
        (*object)["metadata"].value("resourceVersion", ""))
      throw StaleObject("Job " + decision.jobName +
                        " not recreated: the cached object is older than the server's");
  }
  if (decision.createJob) {
    try {
      ++jobCreateRequests_;
      sources_.client->create(kube::resources::jobs(), sv.ns, *decision.createJob);
    } catch (const kube::ApiError& error) {
      if (isJobRefusal(error.code())) {
        observation.moveRefused = MoveRefusal{
            "InvalidJobSpec",
            jobRefusalMessage(error.code(), error.reason(), error.message(), error.causes()), true};
        decision = decide(observation);
      } else if (error.code() != 409) {
        throw;  // AlreadyExists: this move's Job is there already
      }
    }
  }
  if (decision.publishPlan) publishPlan(*decision.publishPlan);
  if (!decision.deleteJob) writeStatus(*object, decision.status);
  if (sources_.metrics) {
    sources_.metrics->recordSchemaVersion(sv.ns, sv.name, decision.status);
    // A run that reached its outcome in this pass is counted once.
    const std::optional<LastRun>& before = sv.status.lastRun;
    const std::optional<LastRun>& after = decision.status.lastRun;
    // A rehearsal is no migration run: it has metrics of its own.
    const std::optional<RehearsalStatus>& rehearsal = decision.status.rehearsal;
    const bool rehearsalJob =
        job && ((rehearsal && rehearsal->jobName == job->name) ||
                (decision.job == MoveJob::Rehearse && decision.jobName == job->name));
    const std::optional<RehearsalStatus>& rehearsedBefore = sv.status.rehearsal;
    if (rehearsal && job && rehearsal->jobName == job->name &&
        !(rehearsedBefore && rehearsedBefore->jobName == rehearsal->jobName &&
          rehearsedBefore->outcome == rehearsal->outcome))
      sources_.metrics->recordRehearsal(sv.ns, sv.name, rehearsal->outcome == "Succeeded",
                                        rehearsal->seconds);
    if (!rehearsalJob && job && after && after->jobName == job->name &&
        after->outcome != "Running" &&
        !(before && before->jobName == after->jobName && before->outcome == after->outcome)) {
      RunReport report = job->report.value_or(RunReport{});
      if (report.reason.empty()) report.reason = job->reason;
      if (report.outcome.empty()) report.outcome = after->outcome;
      sources_.metrics->recordRun(sv.ns, sv.name,
                                  runMetrics(report, job->phase == JobPhase::Succeeded));
    }
  }
  for (const EventToRecord& event : decision.events) {
    engine::LogFields fields = keyLogFields(key);
    fields.emplace_back("reason", event.reason);
    engine::Log::write(event.warning ? engine::LogLevel::Warning : engine::LogLevel::Info,
                       kControllerLogger, event.note, fields);
  }
  if (sources_.events) {
    for (const EventToRecord& event : decision.events) {
      try {
        sources_.events->record(*object,
                                event.warning ? kube::EventType::Warning : kube::EventType::Normal,
                                event.reason, event.action, event.note);
      } catch (const std::exception&) {
        // Events are best effort; the status carries the same facts.
      }
    }
  }
  return {decision.requeueAfter};
}

}  // namespace retort::op
