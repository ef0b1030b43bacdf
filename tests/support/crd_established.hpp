// Waits until a CustomResourceDefinition is Established, for both test clusters (KubeCluster,
// KubeNodeCluster: anything with run_kubectl). `kubectl wait --for=condition=Established` is not
// enough: on a CRD created a moment ago, with no status.conditions yet, it fails at once
// (".status.conditions accessor error: <nil>") instead of waiting.
#pragma once

#include <chrono>
#include <string>
#include <thread>

namespace retort::testing {

// True once `name` reports Established=True; false after `timeout`, the last kubectl output in
// *output.
template <typename Cluster>
bool waitCrdEstablished(const Cluster& cluster, const std::string& name,
                        std::chrono::seconds timeout, std::string* output = nullptr) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string text;
  for (;;) {
    if (cluster.run_kubectl({"get", "crd", name, "-o",
                             "jsonpath={.status.conditions[?(@.type==\"Established\")].status}"},
                            &text) == 0 &&
        text == "True")
      return true;
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (output != nullptr) *output = text;
  return false;
}

}  // namespace retort::testing
