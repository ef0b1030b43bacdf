#include "operator/schema_version_reconciler.hpp"

#include "kube/api_error.hpp"
#include "operator/conditions.hpp"
#include "operator/decide.hpp"
#include "operator/job_status.hpp"
#include "operator/schema_version.hpp"

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
  sources_.client->patch_status(schemaVersionResource(), object["metadata"].value("namespace", ""),
                                object["metadata"].value("name", ""), kube::PatchType::Merge,
                                patch);
  ++statusWrites_;
}

ReconcileResult SchemaVersionReconciler::reconcile(const std::string& key) {
  struct CountOnExit {
    std::atomic<std::uint64_t>& count;
    ~CountOnExit() { ++count; }
  } counted{reconciles_};
  const std::optional<nlohmann::json> object = sources_.schemaVersions->get(key);
  if (!object) return {};  // deleted: its Jobs go with it (owner references)

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
    throw TerminalError(key + ": " + error.what());
  }

  const std::string jobName = currentMoveJobName(sv, std::nullopt);
  std::optional<JobObservation> job;
  if (const auto jobObject = sources_.jobs->get(sv.ns + "/" + jobName)) {
    std::vector<nlohmann::json> pods;
    for (const nlohmann::json& pod : sources_.pods->list()) {
      const nlohmann::json& meta = pod["metadata"];
      if (meta.value("namespace", "") != sv.ns) continue;
      const auto labels = meta.find("labels");
      if (labels != meta.end() && labels->value("job-name", "") == jobName) pods.push_back(pod);
    }
    job = classifyJob(*jobObject, pods);
  }

  const Decision decision = decide({sv, job, std::nullopt, sources_.now()});

  if (decision.deleteJob) {
    try {
      sources_.client->remove(kube::resources::jobs(), sv.ns, decision.jobName,
                              kube::PropagationPolicy::Background);
    } catch (const kube::ApiError& error) {
      if (error.code() != 404) throw;
    }
  }
  if (decision.createJob) {
    try {
      ++jobCreateRequests_;
      sources_.client->create(kube::resources::jobs(), sv.ns, *decision.createJob);
    } catch (const kube::ApiError& error) {
      if (error.code() != 409) throw;  // AlreadyExists: this move's Job is there already
    }
  }
  writeStatus(*object, decision.status);
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
