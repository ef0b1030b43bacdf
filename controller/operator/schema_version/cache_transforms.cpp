#include "operator/schema_version/cache_transforms.hpp"

namespace retort::op {
namespace {

using nlohmann::json;

// resourceVersion: the informer's relist compares it; the rest: object keys, owner lookups
// (manager.cpp) and the pod-to-Job match (schema_version_reconciler.cpp).
constexpr const char* kKeptMetadata[] = {"name",
                                         "namespace",
                                         "uid",
                                         "resourceVersion",
                                         "generation",
                                         "labels",
                                         "ownerReferences",
                                         "creationTimestamp",
                                         "deletionTimestamp"};

void copyIfPresent(json& to, json& from, const char* key) {
  const auto found = from.find(key);
  if (found != from.end()) to[key] = std::move(*found);
}

// The object with apiVersion, kind and the kept metadata only.
json skeleton(json& object) {
  json trimmed = json::object();
  copyIfPresent(trimmed, object, "apiVersion");
  copyIfPresent(trimmed, object, "kind");
  const auto meta = object.find("metadata");
  if (meta != object.end() && meta->is_object()) {
    json kept = json::object();
    for (const char* key : kKeptMetadata) copyIfPresent(kept, *meta, key);
    trimmed["metadata"] = std::move(kept);
  }
  return trimmed;
}

}  // namespace

void trimJobForCache(json& job) {
  if (!job.is_object()) return;
  json trimmed = skeleton(job);
  copyIfPresent(trimmed, job, "status");
  job = std::move(trimmed);
}

void trimPodForCache(json& pod) {
  if (!pod.is_object()) return;
  json trimmed = skeleton(pod);
  const auto status = pod.find("status");
  if (status != pod.end() && status->is_object()) {
    json kept = json::object();
    copyIfPresent(kept, *status, "phase");
    // The init containers' and the scheduler's word too: what a pod that cannot start waits on.
    for (const char* list : {"initContainerStatuses", "containerStatuses"}) {
      const auto containers = status->find(list);
      if (containers == status->end() || !containers->is_array()) continue;
      json statuses = json::array();
      for (json& container : *containers) {
        if (!container.is_object()) continue;
        json keptContainer = json::object();
        for (const char* key : {"name", "state", "lastState"})
          copyIfPresent(keptContainer, container, key);
        statuses.push_back(std::move(keptContainer));
      }
      kept[list] = std::move(statuses);
    }
    const auto conditions = status->find("conditions");
    if (conditions != status->end() && conditions->is_array()) {
      json scheduled = json::array();
      for (json& condition : *conditions)
        if (condition.is_object() && condition.value("type", "") == "PodScheduled")
          scheduled.push_back(std::move(condition));
      if (!scheduled.empty()) kept["conditions"] = std::move(scheduled);
    }
    trimmed["status"] = std::move(kept);
  }
  pod = std::move(trimmed);
}

}  // namespace retort::op
