#include "kube_test_support.hpp"

#include <cpprest/http_client.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "kube/api_error.hpp"
#include "kube/kubeconfig.hpp"
#include "tests/support/kube_cluster.hpp"

namespace retort::testing {

kube::ClientConfig admin_config(const std::string& context) {
  return kube::load_kubeconfig(KubeClusterEnvironment::cluster().kubeconfig(), context);
}

std::shared_ptr<kube::ApiClient> admin_client() {
  return std::make_shared<kube::ApiClient>(admin_config());
}

std::string make_namespace(const kube::ApiClient& client, const std::string& prefix) {
  static std::atomic<int> counter{0};
  const std::string name =
      prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  client.create(kube::resources::namespaces(), "",
                {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}});
  return name;
}

kube::Resource widgets() {
  return {"kube-test.retort.dev", "v1", "widgets", true};
}

void install_widget_crd(const kube::ApiClient& client) {
  const nlohmann::json crd = nlohmann::json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.kube-test.retort.dev"},
    "spec": {
      "group": "kube-test.retort.dev",
      "scope": "Namespaced",
      "names": {"plural": "widgets", "singular": "widget", "kind": "Widget",
                "listKind": "WidgetList"},
      "versions": [{
        "name": "v1", "served": true, "storage": true,
        "subresources": {"status": {}},
        "schema": {"openAPIV3Schema": {
          "type": "object",
          "properties": {
            "spec": {"type": "object", "properties": {
              "size": {"type": "integer", "minimum": 0},
              "colour": {"type": "string"},
              "tags": {"type": "array", "items": {"type": "string"}}}},
            "status": {"type": "object", "properties": {
              "phase": {"type": "string"},
              "observedGeneration": {"type": "integer"}}}}}}
      }]
    }
  })");
  try {
    client.create(kube::resources::custom_resource_definitions(), "", crd);
  } catch (const kube::ApiError& e) {
    if (!e.is_already_exists()) throw;
  }
  // Established first, then discovery: the first request right after Established can 404.
  const bool served = eventually([&] {
    try {
      kube::ListOptions one;
      one.limit = 1;
      client.list(widgets(), "default", one);
      return true;
    } catch (const kube::ApiError&) {
      return false;
    }
  });
  if (!served) throw std::runtime_error("Widget CRD was not served in time");
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(interval);
  }
  return condition();
}

void compact_etcd(const std::string& etcd_url) {
  // etcd's gRPC gateway: a range read tells the current revision (int64 as a JSON string).
  web::http::client::http_client etcd(etcd_url);
  auto post = [&](const std::string& path, const nlohmann::json& body) {
    web::http::http_request request(web::http::methods::POST);
    request.set_request_uri(path);
    request.set_body(body.dump(), "application/json");
    auto response = etcd.request(request).get();
    auto text = response.extract_utf8string(true).get();
    if (response.status_code() != 200) {
      throw std::runtime_error("etcd " + path + ": " + std::to_string(response.status_code()) +
                               " " + text);
    }
    return nlohmann::json::parse(text);
  };
  // key "\0" base64 = "AA=="; any key works, only the header matters.
  const auto range = post("/v3/kv/range", {{"key", "AA=="}});
  const std::string revision = range["header"]["revision"].get<std::string>();
  post("/v3/kv/compaction", {{"revision", revision}, {"physical", true}});
}

}  // namespace retort::testing
