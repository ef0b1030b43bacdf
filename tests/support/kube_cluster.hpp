// A real control plane (etcd + kube-apiserver built from Go modules) for GoogleTest, started
// through tests/cluster/cluster.sh in a fresh temporary directory and stopped again when the
// object goes away, whether the tests passed or failed. The script also gets this process's pid
// as RETORT_CLUSTER_OWNER_PID, so a watchdog tears the cluster down even if the test binary
// crashes. KubeClusterEnvironment wraps it as a ::testing::Environment (one cluster per test
// process); tests reach it through KubeClusterEnvironment::cluster().
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace retort::testing {

class KubeCluster {
 public:
  // Starts a cluster; extra_apiserver_args are appended to kube-apiserver's flags. Throws
  // std::runtime_error with the script's output when it fails.
  explicit KubeCluster(std::string extra_apiserver_args = {});
  ~KubeCluster();
  KubeCluster(const KubeCluster&) = delete;
  KubeCluster& operator=(const KubeCluster&) = delete;

  void stop();  // idempotent

  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& kubeconfig() const { return kubeconfig_; }
  std::filesystem::path kubectl() const { return dir_ / "kubectl"; }
  const std::string& etcd_url() const { return etcd_url_; }            // http://127.0.0.1:P
  const std::string& apiserver_url() const { return apiserver_url_; }  // https://127.0.0.1:P

  // Runs kubectl with this cluster's kubeconfig; returns its exit code, output in *output.
  int run_kubectl(const std::vector<std::string>& args, std::string* output = nullptr) const;

  // Where tests/cluster/cluster.sh lives (compiled in, overridable by RETORT_CLUSTER_SCRIPT).
  static std::filesystem::path script();

 private:
  std::filesystem::path dir_;
  std::filesystem::path kubeconfig_;
  std::string etcd_url_;
  std::string apiserver_url_;
  bool running_ = false;
};

class KubeClusterEnvironment : public ::testing::Environment {
 public:
  explicit KubeClusterEnvironment(std::string extra_apiserver_args = {});
  void SetUp() override;
  void TearDown() override;
  // The running cluster; fails the calling test if SetUp could not start one.
  static KubeCluster& cluster();

 private:
  std::string extra_args_;
};

// Quotes a string for /bin/sh.
std::string shell_quote(const std::string& text);

}  // namespace retort::testing
