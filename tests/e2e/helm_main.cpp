// The delivery e2e tests (the Helm install and the Prometheus scrape) share one node cluster,
// one operator installed with Helm and one Prometheus per test binary run: each costs seconds
// to start. Prometheus is registered last so it stops first.
#include <gtest/gtest.h>

#include "e2e_environment.hpp"
#include "prometheus_server.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new retort::e2e::E2eEnvironment());
  ::testing::AddGlobalTestEnvironment(new retort::e2e::PrometheusEnvironment());
  return RUN_ALL_TESTS();
}
