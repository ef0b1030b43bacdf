// manifests/base/rbac.yaml on a real API server with RBAC authorization: the controller's
// service account can do what the controller needs, and not more (`kubectl auth can-i`).
#include <gtest/gtest.h>

#include <filesystem>

#include "kube_test_support.hpp"
#include "operator_test_support.hpp"
#include "tests/support/kube_cluster.hpp"

namespace retort::testing {
namespace {

const char* kController = "system:serviceaccount:retort-system:retort-controller";

// kubectl auth can-i answers "yes" (exit 0) or "no" (exit 1); anything else is a test error.
bool canI(const std::string& verb, const std::string& resource, const std::string& ns) {
  std::string output;
  std::vector<std::string> args = {"auth", "can-i", verb, resource, "-n", ns, "--as", kController};
  if (const auto slash = resource.find('/'); slash != std::string::npos) {
    args[3] = resource.substr(0, slash);
    args.push_back("--subresource=" + resource.substr(slash + 1));
  }
  const int code = KubeClusterEnvironment::cluster().run_kubectl(args, &output);
  const bool yes = code == 0 && output.rfind("yes", 0) == 0;
  if (!yes && output.rfind("no", 0) != 0)
    ADD_FAILURE() << "kubectl auth can-i " << verb << " " << resource << ": " << output;
  return yes;
}

TEST(OperatorRbacTest, LeastPrivilegeForTheController) {
  KubeCluster& cluster = KubeClusterEnvironment::cluster();
  std::string output;
  // The CRD makes schemaversions.retort.dev a resource kubectl can name.
  installSchemaVersionCrd();
  cluster.run_kubectl({"create", "namespace", "retort-system"}, &output);
  ASSERT_EQ(
      cluster.run_kubectl(
          {"apply", "-f", (kOperatorSourceDir / "manifests/base/rbac.yaml").string()}, &output),
      0)
      << output;

  // What it needs, in any namespace it watches.
  ASSERT_TRUE(eventually([&] { return canI("watch", "schemaversions.retort.dev", "shop"); }));
  for (const auto& [verb, resource] : std::vector<std::pair<std::string, std::string>>{
           {"list", "schemaversions.retort.dev"},
           {"patch", "schemaversions.retort.dev/status"},
           {"update", "schemaversions.retort.dev/status"},
           {"create", "jobs.batch"},
           {"delete", "jobs.batch"},
           {"watch", "jobs.batch"},
           {"list", "pods"},
           {"get", "secrets"},
           {"get", "configmaps"},
           {"create", "configmaps"},
           {"patch", "configmaps"},
           {"create", "events.events.k8s.io"},
           {"patch", "events.events.k8s.io"}})
    EXPECT_TRUE(canI(verb, resource, "shop")) << verb << " " << resource;
  EXPECT_TRUE(canI("update", "leases.coordination.k8s.io", "retort-system"));
  EXPECT_TRUE(canI("create", "leases.coordination.k8s.io", "retort-system"));

  // What it must not have.
  for (const auto& [verb, resource] : std::vector<std::pair<std::string, std::string>>{
           {"update", "schemaversions.retort.dev"},
           {"delete", "schemaversions.retort.dev"},
           {"list", "secrets"},
           {"watch", "secrets"},
           {"create", "secrets"},
           {"list", "configmaps"},
           {"delete", "configmaps"},
           {"create", "pods"},
           {"create", "pods/exec"},
           {"update", "jobs.batch"},
           {"create", "leases.coordination.k8s.io"},
           {"create", "rolebindings.rbac.authorization.k8s.io"},
           {"create", "deployments.apps"}})
    EXPECT_FALSE(canI(verb, resource, "shop")) << verb << " " << resource;
}

}  // namespace
}  // namespace retort::testing
