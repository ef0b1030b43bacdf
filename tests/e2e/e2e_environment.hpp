// What the node e2e tests share, set up once per test binary by E2eEnvironment: the one-node
// cluster, the test PostgreSQL listening also on the bridge's host address (so pods reach it),
// and the images the tests run (the Retort image from scripts/image.sh, kubectl as an image for
// the in-cluster client). Tests call E2e::get(), which throws if SetUp failed.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/kube_node_cluster.hpp"

namespace retort::e2e {

struct E2e {
  testing::KubeNodeCluster* cluster = nullptr;
  std::string retortImage;   // localhost/retort:<version>
  std::string kubectlImage;  // localhost/kubectl:test

  static E2e& get();
  // A fresh database on the test PostgreSQL; `forPods` gives the URI at the bridge address.
  struct Database {
    std::string local;
    std::string forPods;
    // The server's maintenance database at the bridge address: a rehearsal's scratch server
    // (its copies are new databases beside this one, never the source).
    std::string serverForPods;
  };
  Database createDatabase(const std::string& hint) const;
  // Creates a namespace (restricted by the cluster's Pod Security defaults) for one test.
  std::string createNamespace(const std::string& hint) const;
};

class E2eEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;
};

// The restricted-profile security contexts every test pod uses (YAML, indented for a pod spec).
std::string restrictedPodSecurityContext();
std::string restrictedContainerSecurityContext();

// "Type=Status:Reason;" for each condition of a Job, or the kubectl error.
std::string jobConditions(const std::string& ns, const std::string& job);
// Waits (bounded) for a Job's Complete or Failed condition; returns the conditions text.
std::string waitForJobFinished(const std::string& ns, const std::string& job, int seconds);
// A jsonpath query of one object.
std::string jsonpath(const std::string& ns, const std::string& kind, const std::string& name,
                     const std::string& path);
// The names of a Job's pods.
std::vector<std::string> jobPods(const std::string& ns, const std::string& job);
// The head revision of the scripts in `projectDir` (Retort's or an Alembic project, read without
// Python), as the local `retort -d projectDir heads` reports it.
std::string headOf(const std::string& projectDir);
// The SweetShop's head revision (migrations/).
std::string sweetshopHead();

}  // namespace retort::e2e
