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

nlohmann::json ApiClient::do_get(const Resource& resource, std::string_view ns,
                                 std::string_view name, bool status) const {
  return send_json(transport_, methods::GET, resource.object_path(ns, name, status ? "status" : ""),
                   nullptr, "");
}

ObjectList ApiClient::do_list(const Resource& resource, std::string_view ns,
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

nlohmann::json ApiClient::do_create(const Resource& resource, std::string_view ns,
                                    const nlohmann::json& object) const {
  return send_json(transport_, methods::POST, resource.collection_path(ns), object,
                   "application/json");
}

nlohmann::json ApiClient::do_update(const Resource& resource, std::string_view ns,
                                    const nlohmann::json& object, bool status) const {
  return send_json(transport_, methods::PUT,
                   resource.object_path(ns, required_name(object), status ? "status" : ""), object,
                   "application/json");
}

nlohmann::json ApiClient::do_patch(const Resource& resource, std::string_view ns,
                                   std::string_view name, PatchType type,
                                   const nlohmann::json& patch, const PatchOptions& options,
                                   bool status) const {
  if (type == PatchType::Apply && options.field_manager.empty()) {
    throw std::invalid_argument("server-side apply needs a field manager");
  }
  Query query(resource.object_path(ns, name, status ? "status" : ""));
  query.add("fieldManager", options.field_manager);
  if (type == PatchType::Apply && options.force) query.add("force", "true");
  return send_json(transport_, methods::PATCH, query.str(), patch, patch_content_type(type));
}

nlohmann::json ApiClient::do_remove(const Resource& resource, std::string_view ns,
                                    std::string_view name, PropagationPolicy policy,
                                    const std::optional<std::string>& precondition_rv) const {
  nlohmann::json options = {{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
  if (policy != PropagationPolicy::Default) options["propagationPolicy"] = policy_name(policy);
  if (precondition_rv) options["preconditions"] = {{"resourceVersion", *precondition_rv}};
  return send_json(transport_, methods::DEL, resource.object_path(ns, name), options,
                   "application/json");
}

WatchStream ApiClient::do_watch(const Resource& resource, std::string_view ns,
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
