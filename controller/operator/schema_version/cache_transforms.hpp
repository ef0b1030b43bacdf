// What the controller's Job and pod caches keep of each object (the informers' transforms, see
// kube::InformerOptions::transform). The controller reads a Job's metadata (name, namespace,
// labels, owner references) and status (conditions, start and completion times) and a pod's
// metadata and the retort container's state (its termination message is the run report); the
// specs, which hold the whole pod template, and everything else are dropped before caching.
// Pure functions, so the cache's contents are unit-tested; the SchemaVersion cache keeps whole
// objects (reconcile and drift checks read spec and status) minus kube::strip_for_cache.
#pragma once

#include <nlohmann/json.hpp>

namespace retort::op {

// Keeps apiVersion, kind, the metadata the controller reads and status.
void trimJobForCache(nlohmann::json& job);
// Keeps apiVersion, kind, the metadata the controller reads and, of status, the phase and each
// container status's name, state and lastState.
void trimPodForCache(nlohmann::json& pod);

}  // namespace retort::op
