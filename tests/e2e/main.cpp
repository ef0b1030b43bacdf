// The node e2e tests share one cluster per test binary: starting one costs seconds, and the
// tests are independent (each works in its own namespace and database).
#include <gtest/gtest.h>

#include "e2e_environment.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new retort::e2e::E2eEnvironment());
  return RUN_ALL_TESTS();
}
