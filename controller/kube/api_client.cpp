#include "kube/api_client.hpp"

#include <cpprest/uri_builder.h>

#include "kube/api_error.hpp"
#include "kube/object_key.hpp"

namespace retort::kube {
namespace {

using web::http::method;
using methods = web::http::methods;

// Appends query parameters, percent-encoding them (selectors contain '=' and ',').
class Query {
 public:
  explicit Query(std::string path) : path_(std::move(path)) {}
  Query& add(const std::string& key, const std::string& value) {
    if (value.empty()) return *this;
    path_ += first_ ? '?' : '&';
    first_ = false;
    path_ += web::uri::encode_data_string(key) + "=" + web::uri::encode_data_string(value);
    return *this;
  }
  const std::string& str() const { return path_; }

 private:
  std::string path_;
  bool first_ = true;
};

std::string describe(const method& verb, const std::string& path_and_query) {
  return verb + " " + path_and_query.substr(0, path_and_query.find('?'));
}

nlohmann::json send_json(
    const HttpTransport& transport, const method& verb, const std::string& path_and_query,
    const nlohmann::json& body, const std::string& content_type,
    const pplx::cancellation_token& cancel = pplx::cancellation_token::none()) {
  const bool has_body = !body.is_null();
  HttpResponse response = transport.send(verb, path_and_query, has_body ? body.dump() : "",
                                         has_body ? content_type : "", cancel);
  if (response.status < 200 || response.status >= 300) {
    throw ApiError::from_response(response.status, response.body, describe(verb, path_and_query));
  }
  if (response.body.empty()) return nlohmann::json::object();
  auto parsed = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    throw TransportError(describe(verb, path_and_query) + ": response is not JSON");
  }
  return parsed;
}

std::string require_name(const nlohmann::json& object) {
  std::string name = object_name(object);
  if (name.empty()) throw std::invalid_argument("object has no metadata.name");
  return name;
}

const char* patch_content_type(PatchType type) {
  switch (type) {
    case PatchType::Merge:
      return "application/merge-patch+json";
    case PatchType::Json:
      return "application/json-patch+json";
    case PatchType::Apply:
      return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

const char* policy_name(PropagationPolicy policy) {
  switch (policy) {
    case PropagationPolicy::Background:
      return "Background";
    case PropagationPolicy::Foreground:
      return "Foreground";
    case PropagationPolicy::Orphan:
      return "Orphan";
    case PropagationPolicy::Default:
      break;
  }
  return "";
}

}  // namespace

ApiClient::ApiClient(ClientConfig config) : transport_(std::move(config)) {}

nlohmann::json ApiClient::get(const Resource& resource, std::string_view ns,
                              std::string_view name) const {
  return send_json(transport_, methods::GET, resource.object_path(ns, name), nullptr, "");
}

ObjectList ApiClient::list(const Resource& resource, std::string_view ns,
                           const ListOptions& options,
                           const pplx::cancellation_token& cancel) const {
  Query query(resource.collection_path(ns));
  query.add("labelSelector", options.label_selector)
      .add("fieldSelector", options.field_selector)
      .add("limit", options.limit > 0 ? std::to_string(options.limit) : "")
      .add("continue", options.continue_token)
      .add("resourceVersion", options.resource_version);
  nlohmann::json body = send_json(transport_, methods::GET, query.str(), nullptr, "", cancel);
  ObjectList result;
  if (auto items = body.find("items"); items != body.end() && items->is_array()) {
    result.items = std::move(*items);
  }
  if (auto meta = body.find("metadata"); meta != body.end() && meta->is_object()) {
    result.resource_version = meta->value("resourceVersion", "");
    result.continue_token = meta->value("continue", "");
  }
  // List items omit apiVersion/kind; fill them in so that items look like fetched objects.
  const std::string kind = body.value("kind", "");
  if (kind.size() > 4 && kind.ends_with("List")) {
    for (auto& item : result.items) {
      if (!item.contains("kind")) item["kind"] = kind.substr(0, kind.size() - 4);
      if (!item.contains("apiVersion")) item["apiVersion"] = resource.api_version();
    }
  }
  return result;
}

ObjectList ApiClient::list_all(const Resource& resource, std::string_view ns, ListOptions options,
                               std::int64_t page_size,
                               const pplx::cancellation_token& cancel) const {
  options.limit = page_size;
  options.continue_token.clear();
  ObjectList all = list(resource, ns, options, cancel);
  while (!all.continue_token.empty()) {
    // A continued list is pinned to the first page's snapshot; the server rejects a
    // resourceVersion next to continue.
    options.continue_token = all.continue_token;
    options.resource_version.clear();
    ObjectList page = list(resource, ns, options, cancel);
    for (auto& item : page.items) all.items.push_back(std::move(item));
    all.continue_token = page.continue_token;
    all.resource_version = page.resource_version;
  }
  return all;
}

nlohmann::json ApiClient::create(const Resource& resource, std::string_view ns,
                                 const nlohmann::json& object) const {
  return send_json(transport_, methods::POST, resource.collection_path(ns), object,
                   "application/json");
}

nlohmann::json ApiClient::update(const Resource& resource, std::string_view ns,
                                 const nlohmann::json& object) const {
  return send_json(transport_, methods::PUT, resource.object_path(ns, require_name(object)), object,
                   "application/json");
}

nlohmann::json ApiClient::patch_at(const std::string& path, PatchType type,
                                   const nlohmann::json& patch, const PatchOptions& options) const {
  if (type == PatchType::Apply && options.field_manager.empty()) {
    throw std::invalid_argument("server-side apply needs a field manager");
  }
  Query query(path);
  query.add("fieldManager", options.field_manager);
  if (type == PatchType::Apply && options.force) query.add("force", "true");
  return send_json(transport_, methods::PATCH, query.str(), patch, patch_content_type(type));
}

nlohmann::json ApiClient::patch(const Resource& resource, std::string_view ns,
                                std::string_view name, PatchType type, const nlohmann::json& patch,
                                const PatchOptions& options) const {
  return patch_at(resource.object_path(ns, name), type, patch, options);
}

nlohmann::json ApiClient::apply(const Resource& resource, std::string_view ns,
                                const nlohmann::json& object, const std::string& field_manager,
                                bool force) const {
  return patch_at(resource.object_path(ns, require_name(object)), PatchType::Apply, object,
                  {field_manager, force});
}

nlohmann::json ApiClient::remove(const Resource& resource, std::string_view ns,
                                 std::string_view name, PropagationPolicy policy,
                                 const std::optional<std::string>& precondition_rv) const {
  nlohmann::json options = {{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
  if (policy != PropagationPolicy::Default) options["propagationPolicy"] = policy_name(policy);
  if (precondition_rv) options["preconditions"] = {{"resourceVersion", *precondition_rv}};
  return send_json(transport_, methods::DEL, resource.object_path(ns, name), options,
                   "application/json");
}

nlohmann::json ApiClient::get_status(const Resource& resource, std::string_view ns,
                                     std::string_view name) const {
  return send_json(transport_, methods::GET, resource.object_path(ns, name, "status"), nullptr, "");
}

nlohmann::json ApiClient::update_status(const Resource& resource, std::string_view ns,
                                        const nlohmann::json& object) const {
  return send_json(transport_, methods::PUT,
                   resource.object_path(ns, require_name(object), "status"), object,
                   "application/json");
}

nlohmann::json ApiClient::patch_status(const Resource& resource, std::string_view ns,
                                       std::string_view name, PatchType type,
                                       const nlohmann::json& patch,
                                       const PatchOptions& options) const {
  return patch_at(resource.object_path(ns, name, "status"), type, patch, options);
}

nlohmann::json ApiClient::apply_status(const Resource& resource, std::string_view ns,
                                       const nlohmann::json& object,
                                       const std::string& field_manager, bool force) const {
  return patch_at(resource.object_path(ns, require_name(object), "status"), PatchType::Apply,
                  object, {field_manager, force});
}

WatchStream ApiClient::watch(const Resource& resource, std::string_view ns,
                             const WatchOptions& options,
                             const pplx::cancellation_token& cancel) const {
  Query query(resource.collection_path(ns));
  query.add("watch", "true")
      .add("resourceVersion", options.resource_version)
      .add("labelSelector", options.label_selector)
      .add("fieldSelector", options.field_selector)
      .add("allowWatchBookmarks", options.allow_bookmarks ? "true" : "")
      .add("timeoutSeconds",
           options.timeout_seconds > 0 ? std::to_string(options.timeout_seconds) : "");
  const std::string description = describe(methods::GET, query.str()) + " (watch)";
  web::http::http_response response =
      transport_.open_stream(query.str(), options.idle_timeout, cancel);
  if (response.status_code() != web::http::status_codes::OK) {
    std::string body;
    try {
      body = response.extract_utf8string(true).get();
    } catch (const std::exception&) {
      // The status code alone still classifies the error.
    }
    throw ApiError::from_response(response.status_code(), body, description);
  }
  return WatchStream(std::move(response), cancel, description);
}

nlohmann::json ApiClient::request(const web::http::method& verb, const std::string& path_and_query,
                                  const nlohmann::json& body,
                                  const std::string& content_type) const {
  return send_json(transport_, verb, path_and_query, body, content_type);
}

}  // namespace retort::kube
