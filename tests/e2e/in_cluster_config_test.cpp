// Issue 9 (c): a pod using the in-cluster config (its ServiceAccount token, the `kubernetes`
// Service through kube-proxy, the root CA the controller manager publishes) calls the API
// server. The client is kubectl itself, packed alone as an image, with no kubeconfig.
#include <gtest/gtest.h>

#include "e2e_environment.hpp"
#include "job_manifest.hpp"

namespace retort::e2e {
namespace {

std::string podReaderRbac(const std::string& ns) {
  return "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: pod-reader\n"
         "  namespace: " +
         ns +
         "\nrules:\n- apiGroups: [\"\"]\n  resources: [pods]\n"
         "  verbs: [get, list]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n"
         "metadata:\n  name: pod-reader\n  namespace: " +
         ns +
         "\nroleRef:\n"
         "  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: pod-reader\nsubjects:\n"
         "- kind: ServiceAccount\n  name: default\n  namespace: " +
         ns + "\n";
}

TEST(InClusterConfig, PodListsItsNamespaceThroughTheKubernetesService) {
  auto& e2e = E2e::get();
  const auto ns = e2e.createNamespace("incluster");
  std::string output;
  ASSERT_EQ(e2e.cluster->apply(podReaderRbac(ns), &output), 0) << output;
  JobSpec job(ns, "lister", e2e.kubectlImage, {"get", "pods", "-n", ns, "-o", "name"});
  job.automountToken = true;
  ASSERT_EQ(e2e.cluster->apply(jobManifest(job), &output), 0) << output;

  const auto conditions = waitForJobFinished(ns, "lister", 180);
  e2e.cluster->run_kubectl({"-n", ns, "logs", "job/lister"}, &output);
  ASSERT_NE(conditions.find("Complete=True"), std::string::npos) << conditions << "\n" << output;
  // The pod found itself: the list really came from the API server.
  const auto pods = jobPods(ns, "lister");
  ASSERT_EQ(pods.size(), 1u);
  EXPECT_NE(output.find("pod/" + pods[0]), std::string::npos) << output;
}

TEST(InClusterConfig, ServiceAccountWithoutRbacIsForbidden) {
  auto& e2e = E2e::get();
  const auto ns = e2e.createNamespace("forbidden");
  JobSpec job(ns, "lister", e2e.kubectlImage, {"get", "pods", "-n", ns, "-o", "name"});
  job.automountToken = true;
  std::string output;
  ASSERT_EQ(e2e.cluster->apply(jobManifest(job), &output), 0) << output;

  const auto conditions = waitForJobFinished(ns, "lister", 180);
  ASSERT_NE(conditions.find("Failed=True"), std::string::npos) << conditions;
  const auto pods = jobPods(ns, "lister");
  ASSERT_EQ(pods.size(), 1u);
  const auto message =
      jsonpath(ns, "pod", pods[0], "{.status.containerStatuses[0].state.terminated.message}");
  EXPECT_NE(message.find("system:serviceaccount:" + ns + ":default"), std::string::npos) << message;
  EXPECT_NE(message.find("forbidden"), std::string::npos) << message;
}

}  // namespace
}  // namespace retort::e2e
