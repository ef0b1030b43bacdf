// REST verbs on Kubernetes objects, as JSON: get, list (label/field selectors, limit/continue
// pagination), create, update, merge patch, JSON patch, server-side apply, delete with a
// propagation policy, the status subresource, and watch. Works for any Resource, namespaced or
// cluster-scoped, built-in or custom. Every failure is an exception: ApiError with the server's
// Status for HTTP errors (check is_conflict() to retry an optimistic-concurrency loss),
// TransportError when no response came back. The client is thread-safe and cheap to share.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "kube/client_config.hpp"
#include "kube/http_transport.hpp"
#include "kube/resource.hpp"
#include "kube/watch_stream.hpp"

namespace retort::kube {

enum class PatchType {
  Merge,  // application/merge-patch+json (RFC 7386)
  Json,   // application/json-patch+json (RFC 6902)
  Apply,  // application/apply-patch+yaml (server-side apply; JSON is valid YAML)
};

enum class PropagationPolicy { Default, Background, Foreground, Orphan };

struct ListOptions {
  std::string label_selector;  // e.g. "app=sweetshop,tier!=db"
  std::string field_selector;
  std::int64_t limit = 0;  // 0: no pagination
  std::string continue_token;
  std::string resource_version;  // "" = consistent read, "0" = any (may be served from cache)
};

struct ObjectList {
  nlohmann::json items = nlohmann::json::array();
  std::string resource_version;
  std::string continue_token;  // empty on the last page
};

struct PatchOptions {
  std::string field_manager;  // required for Apply
  bool force = false;         // Apply: take ownership of conflicting fields
};

class ApiClient {
 public:
  explicit ApiClient(ClientConfig config);

  nlohmann::json get(const Resource& resource, std::string_view ns, std::string_view name) const;
  // cancel aborts the request (an informer shutting down mid-list).
  ObjectList list(const Resource& resource, std::string_view ns, const ListOptions& options = {},
                  const pplx::cancellation_token& cancel = pplx::cancellation_token::none()) const;
  // Follows continue tokens until the last page; page_size 0 means one unpaginated request.
  ObjectList list_all(
      const Resource& resource, std::string_view ns, ListOptions options = {},
      std::int64_t page_size = 500,
      const pplx::cancellation_token& cancel = pplx::cancellation_token::none()) const;
  nlohmann::json create(const Resource& resource, std::string_view ns,
                        const nlohmann::json& object) const;
  // PUT of the whole object; metadata.resourceVersion makes it conditional (409 if stale).
  nlohmann::json update(const Resource& resource, std::string_view ns,
                        const nlohmann::json& object) const;
  nlohmann::json patch(const Resource& resource, std::string_view ns, std::string_view name,
                       PatchType type, const nlohmann::json& patch,
                       const PatchOptions& options = {}) const;
  // Server-side apply of a (partial) object; name from metadata.name.
  nlohmann::json apply(const Resource& resource, std::string_view ns, const nlohmann::json& object,
                       const std::string& field_manager, bool force = true) const;
  // Returns the server's answer: the deleted object, or a Status while finalizers run.
  nlohmann::json remove(const Resource& resource, std::string_view ns, std::string_view name,
                        PropagationPolicy policy = PropagationPolicy::Default,
                        const std::optional<std::string>& precondition_resource_version = {}) const;

  // The status subresource.
  nlohmann::json get_status(const Resource& resource, std::string_view ns,
                            std::string_view name) const;
  nlohmann::json update_status(const Resource& resource, std::string_view ns,
                               const nlohmann::json& object) const;
  nlohmann::json patch_status(const Resource& resource, std::string_view ns, std::string_view name,
                              PatchType type, const nlohmann::json& patch,
                              const PatchOptions& options = {}) const;
  nlohmann::json apply_status(const Resource& resource, std::string_view ns,
                              const nlohmann::json& object, const std::string& field_manager,
                              bool force = true) const;

  // Opens a watch; returns once the server accepted it. An HTTP error (410 when the
  // resourceVersion is too old) is thrown as ApiError.
  WatchStream watch(const Resource& resource, std::string_view ns, const WatchOptions& options,
                    const pplx::cancellation_token& cancel) const;

  // Any other request, for paths this class does not model. body may be null (no body).
  nlohmann::json request(const web::http::method& method, const std::string& path_and_query,
                         const nlohmann::json& body = nullptr,
                         const std::string& content_type = "application/json") const;

  const ClientConfig& config() const noexcept { return transport_.config(); }

 private:
  nlohmann::json patch_at(const std::string& path, PatchType type, const nlohmann::json& patch,
                          const PatchOptions& options) const;

  HttpTransport transport_;
};

}  // namespace retort::kube
