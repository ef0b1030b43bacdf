// Names one kind of API resource by group, version and plural, and builds its REST paths:
// /api/v1/... for the core group, /apis/<group>/<version>/... otherwise, with
// namespaces/<ns>/ inserted for namespaced resources. The common built-in resources the operator
// uses are listed here so that their paths are spelled once.
#pragma once

#include <string>
#include <string_view>

namespace retort::kube {

struct Resource {
  std::string group;  // "" for the core group
  std::string version;
  std::string plural;
  bool namespaced = true;

  // "v1" for core, "group/version" otherwise: what goes into an object's apiVersion.
  std::string api_version() const;
  // Collection path; ns empty lists across all namespaces (or is ignored if cluster-scoped).
  std::string collection_path(std::string_view ns) const;
  // Object path, with an optional subresource such as "status".
  std::string object_path(std::string_view ns, std::string_view name,
                          std::string_view subresource = {}) const;
};

namespace resources {
inline Resource config_maps() {
  return {"", "v1", "configmaps", true};
}
inline Resource secrets() {
  return {"", "v1", "secrets", true};
}
inline Resource pods() {
  return {"", "v1", "pods", true};
}
inline Resource namespaces() {
  return {"", "v1", "namespaces", false};
}
inline Resource jobs() {
  return {"batch", "v1", "jobs", true};
}
inline Resource leases() {
  return {"coordination.k8s.io", "v1", "leases", true};
}
inline Resource events() {
  return {"events.k8s.io", "v1", "events", true};
}
inline Resource custom_resource_definitions() {
  return {"apiextensions.k8s.io", "v1", "customresourcedefinitions", false};
}
}  // namespace resources

}  // namespace retort::kube
