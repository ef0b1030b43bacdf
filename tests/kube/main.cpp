// Entry point of the kube e2e tests: one real control plane per test process.
#include <gtest/gtest.h>

#include "kube_test_support.hpp"
#include "tests/support/kube_cluster.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(
      new retort::testing::KubeClusterEnvironment(retort::testing::kKubeTestApiserverArgs));
  return RUN_ALL_TESTS();
}
