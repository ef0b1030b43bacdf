// The Kubernetes API as the controller code uses it: the REST verbs on objects of any Resource
// and watch. Api is the seam between the code that decides (informer, leader elector, event
// recorder, reconcilers) and the wire: ApiClient (api_client.hpp) is the HTTP implementation
// used in production and in the kube tests; unit tests derive a fake from Api and run the same
// code without a server. Callers hold a std::shared_ptr<const Api>; a shared_ptr<ApiClient>
// converts to it, so code written against ApiClient keeps working.
//
// The public verbs are non-virtual and carry the default arguments; implementations override
// the protected do_* primitives (the non-virtual interface idiom), so a default argument never
// depends on the static type. list_pages, list_all, apply and apply_status are built on list and
// patch and behave the same for every implementation. Every failure is an exception: ApiError with
// the server's Status for an HTTP error, TransportError when no response came back, Cancelled when
// the caller's cancellation token fired. Implementations must be thread-safe.
#pragma once

#include <pplx/pplxtasks.h>

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

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

class Api {
 public:
  virtual ~Api() = default;

  nlohmann::json get(const Resource& resource, std::string_view ns, std::string_view name) const {
    return do_get(resource, ns, name, /*status=*/false);
  }
  // cancel aborts the request (an informer shutting down mid-list).
  ObjectList list(const Resource& resource, std::string_view ns, const ListOptions& options = {},
                  const pplx::cancellation_token& cancel = pplx::cancellation_token::none()) const {
    return do_list(resource, ns, options, cancel);
  }
  // Follows continue tokens until the last page, handing each page (its items, to take) to
  // on_page before the next is read, so a caller keeps at most one page of parsed objects;
  // returns the list's resourceVersion. page_size 0 means one unpaginated request.
  std::string list_pages(const Resource& resource, std::string_view ns, ListOptions options,
                         std::int64_t page_size, const pplx::cancellation_token& cancel,
                         const std::function<void(ObjectList& page)>& on_page) const;
  // list_pages into one list.
  ObjectList list_all(
      const Resource& resource, std::string_view ns, ListOptions options = {},
      std::int64_t page_size = 500,
      const pplx::cancellation_token& cancel = pplx::cancellation_token::none()) const;
  nlohmann::json create(const Resource& resource, std::string_view ns,
                        const nlohmann::json& object) const {
    return do_create(resource, ns, object);
  }
  // PUT of the whole object; metadata.resourceVersion makes it conditional (409 if stale).
  nlohmann::json update(const Resource& resource, std::string_view ns,
                        const nlohmann::json& object) const {
    return do_update(resource, ns, object, /*status=*/false);
  }
  nlohmann::json patch(const Resource& resource, std::string_view ns, std::string_view name,
                       PatchType type, const nlohmann::json& patch,
                       const PatchOptions& options = {}) const {
    return do_patch(resource, ns, name, type, patch, options, /*status=*/false);
  }
  // Server-side apply of a (partial) object; name from metadata.name.
  nlohmann::json apply(const Resource& resource, std::string_view ns, const nlohmann::json& object,
                       const std::string& field_manager, bool force = true) const;
  // Returns the server's answer: the deleted object, or a Status while finalizers run.
  nlohmann::json remove(
      const Resource& resource, std::string_view ns, std::string_view name,
      PropagationPolicy policy = PropagationPolicy::Default,
      const std::optional<std::string>& precondition_resource_version = {}) const {
    return do_remove(resource, ns, name, policy, precondition_resource_version);
  }

  // The status subresource.
  nlohmann::json get_status(const Resource& resource, std::string_view ns,
                            std::string_view name) const {
    return do_get(resource, ns, name, /*status=*/true);
  }
  nlohmann::json update_status(const Resource& resource, std::string_view ns,
                               const nlohmann::json& object) const {
    return do_update(resource, ns, object, /*status=*/true);
  }
  nlohmann::json patch_status(const Resource& resource, std::string_view ns, std::string_view name,
                              PatchType type, const nlohmann::json& patch,
                              const PatchOptions& options = {}) const {
    return do_patch(resource, ns, name, type, patch, options, /*status=*/true);
  }
  nlohmann::json apply_status(const Resource& resource, std::string_view ns,
                              const nlohmann::json& object, const std::string& field_manager,
                              bool force = true) const;

  // Opens a watch; returns once the server accepted it. An HTTP error (410 when the
  // resourceVersion is too old) is thrown as ApiError.
  WatchStream watch(const Resource& resource, std::string_view ns, const WatchOptions& options,
                    const pplx::cancellation_token& cancel) const {
    return do_watch(resource, ns, options, cancel);
  }

 protected:
  // status: the request is for the object's status subresource.
  virtual nlohmann::json do_get(const Resource& resource, std::string_view ns,
                                std::string_view name, bool status) const = 0;
  virtual ObjectList do_list(const Resource& resource, std::string_view ns,
                             const ListOptions& options,
                             const pplx::cancellation_token& cancel) const = 0;
  virtual nlohmann::json do_create(const Resource& resource, std::string_view ns,
                                   const nlohmann::json& object) const = 0;
  virtual nlohmann::json do_update(const Resource& resource, std::string_view ns,
                                   const nlohmann::json& object, bool status) const = 0;
  virtual nlohmann::json do_patch(const Resource& resource, std::string_view ns,
                                  std::string_view name, PatchType type,
                                  const nlohmann::json& patch, const PatchOptions& options,
                                  bool status) const = 0;
  virtual nlohmann::json do_remove(const Resource& resource, std::string_view ns,
                                   std::string_view name, PropagationPolicy policy,
                                   const std::optional<std::string>& precondition_rv) const = 0;
  virtual WatchStream do_watch(const Resource& resource, std::string_view ns,
                               const WatchOptions& options,
                               const pplx::cancellation_token& cancel) const = 0;
};

}  // namespace retort::kube
