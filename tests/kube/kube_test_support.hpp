// Shared helpers of the kube e2e tests: a client for the test cluster's admin, a fresh
// namespace per test (envtest-style clusters have no namespace controller, so names are never
// reused), the Widget test CRD, and polling until a condition holds.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "kube/api_client.hpp"
#include "kube/resource.hpp"

namespace retort::testing {

// kube-apiserver flags the kube tests need: configmaps bypass the watch cache, so a watch from
// a compacted resourceVersion reaches etcd and fails with 410 as in production under churn.
inline constexpr const char* kKubeTestApiserverArgs = "--watch-cache-sizes=configmaps#0";

kube::ClientConfig admin_config(const std::string& context = {});
std::shared_ptr<kube::ApiClient> admin_client();

// Creates a namespace with a unique name starting with prefix and returns the name.
std::string make_namespace(const kube::ApiClient& client, const std::string& prefix);

// Group kube-test.retort.dev, kind Widget, plural widgets, namespaced, status subresource.
kube::Resource widgets();
// Installs the Widget CRD (idempotent) and waits until it is served.
void install_widget_crd(const kube::ApiClient& client);

bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(30),
                std::chrono::milliseconds interval = std::chrono::milliseconds(50));

// Compacts etcd up to its current revision, so that older resourceVersions are gone.
void compact_etcd(const std::string& etcd_url);

}  // namespace retort::testing
