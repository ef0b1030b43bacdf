#include "operator_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

#include "kube_test_support.hpp"
#include "tests/support/crd_established.hpp"
#include "tests/support/kube_cluster.hpp"

namespace retort::testing {

void installSchemaVersionCrd() {
  std::string output;
  KubeCluster& cluster = KubeClusterEnvironment::cluster();
  ASSERT_EQ(
      cluster.run_kubectl(
          {"apply", "-f", (kOperatorSourceDir / "crds/schemaversion.yaml").string()}, &output),
      0)
      << output;
  ASSERT_TRUE(
      waitCrdEstablished(cluster, "schemaversions.retort.dev", std::chrono::seconds(60), &output))
      << output;
  // Established precedes discovery: wait until kubectl can resolve the short name.
  ASSERT_TRUE(eventually([&] {
    return cluster.run_kubectl({"get", "sv", "-A"}, &output) == 0;
  })) << output;
}

}  // namespace retort::testing
