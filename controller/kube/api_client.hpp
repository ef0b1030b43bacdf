// The HTTP implementation of Api (api.hpp): REST verbs on Kubernetes objects, as JSON: get, list
// (label/field selectors, limit/continue pagination), create, update, merge patch, JSON patch,
// server-side apply, delete with a propagation policy, the status subresource, and watch. Works
// for any Resource, namespaced or cluster-scoped, built-in or custom. Every failure is an
// exception: ApiError with the server's Status for HTTP errors (check is_conflict() to retry an
// optimistic-concurrency loss), TransportError when no response came back. The client is
// thread-safe and cheap to share. Code that only needs the verbs takes a shared_ptr<const Api>,
// so unit tests can hand it a fake instead.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "kube/api.hpp"
#include "kube/client_config.hpp"
#include "kube/http_transport.hpp"
#include "kube/resource.hpp"
#include "kube/watch_stream.hpp"

namespace retort::kube {

class ApiClient final : public Api {
 public:
  explicit ApiClient(ClientConfig config);

  // Any other request, for paths this class does not model. body may be null (no body).
  nlohmann::json request(const web::http::method& method, const std::string& path_and_query,
                         const nlohmann::json& body = nullptr,
                         const std::string& content_type = "application/json") const;

  const ClientConfig& config() const noexcept { return transport_.config(); }

 private:
  nlohmann::json do_get(const Resource& resource, std::string_view ns, std::string_view name,
                        bool status) const override;
  ObjectList do_list(const Resource& resource, std::string_view ns, const ListOptions& options,
                     const pplx::cancellation_token& cancel) const override;
  nlohmann::json do_create(const Resource& resource, std::string_view ns,
                           const nlohmann::json& object) const override;
  nlohmann::json do_update(const Resource& resource, std::string_view ns,
                           const nlohmann::json& object, bool status) const override;
  nlohmann::json do_patch(const Resource& resource, std::string_view ns, std::string_view name,
                          PatchType type, const nlohmann::json& patch, const PatchOptions& options,
                          bool status) const override;
  nlohmann::json do_remove(const Resource& resource, std::string_view ns, std::string_view name,
                           PropagationPolicy policy,
                           const std::optional<std::string>& precondition_rv) const override;
  WatchStream do_watch(const Resource& resource, std::string_view ns, const WatchOptions& options,
                       const pplx::cancellation_token& cancel) const override;

  HttpTransport transport_;
};

}  // namespace retort::kube
