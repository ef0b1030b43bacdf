// A real one-node Kubernetes for GoogleTest: `tests/cluster/cluster.sh up --node` in a fresh
// temporary directory (etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
// containerd, a kubelet and kube-proxy; pods on a bridge of their own), stopped again, with
// everything it changed on the machine undone, when the object goes away. The constructor
// returns once the node is Ready. As for KubeCluster, the script gets this process's pid so a
// watchdog runs `down` if the test binary crashes. Only one node cluster runs on a machine at
// a time; a second constructor waits for the first to go. KubeNodeClusterEnvironment starts one
// per test process (tests reach it through KubeNodeClusterEnvironment::cluster()). Needs root.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace retort::testing {

class KubeNodeCluster {
 public:
  // Starts the cluster; throws std::runtime_error with the script's output when that fails.
  KubeNodeCluster();
  ~KubeNodeCluster();
  KubeNodeCluster(const KubeNodeCluster&) = delete;
  KubeNodeCluster& operator=(const KubeNodeCluster&) = delete;

  // Runs `cluster.sh down` (idempotent); returns its exit code and fills *output.
  int stop(std::string* output = nullptr);

  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& kubeconfig() const { return kubeconfig_; }
  std::filesystem::path kubectl() const { return dir_ / "kubectl"; }
  const std::string& apiserver_url() const { return apiserver_url_; }  // https://<host ip>:P
  // The bridge's host address: pods reach servers of the host (PostgreSQL) there.
  const std::string& host_ip() const { return host_ip_; }
  const std::string& pod_cidr() const { return pod_cidr_; }
  const std::string& node_name() const { return node_name_; }
  // Wall time of `up`, from the call to node Ready.
  std::chrono::duration<double> start_time() const { return start_time_; }

  // Runs kubectl with this cluster's kubeconfig; returns its exit code, output (stdout and
  // stderr) in *output.
  int run_kubectl(const std::vector<std::string>& args, std::string* output = nullptr) const;
  // `kubectl apply -f -` of a manifest.
  int apply(const std::string& manifest, std::string* output = nullptr) const;
  // `scripts/image.sh --build-dir BUILD --import DIR`: builds the Retort image from the build
  // tree and imports it; returns the image reference. Throws on failure.
  std::string import_retort_image(const std::filesystem::path& build_dir) const;
  // Packs `binary` alone as an image (entrypoint the binary, user 65532) and imports it as
  // localhost/<name>:test; returns that reference. Throws on failure.
  std::string import_binary_image(const std::string& name,
                                  const std::filesystem::path& binary) const;

 private:
  std::filesystem::path dir_;
  std::filesystem::path kubeconfig_;
  std::string apiserver_url_;
  std::string host_ip_;
  std::string pod_cidr_;
  std::string node_name_;
  std::chrono::duration<double> start_time_{};
  bool running_ = false;
};

class KubeNodeClusterEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;
  // The running cluster; throws (failing the calling test) if SetUp could not start one.
  static KubeNodeCluster& cluster();
};

// Calls `condition` until it returns true or `timeout` passes; returns its last result.
bool wait_until(const std::function<bool()>& condition, std::chrono::duration<double> timeout,
                std::chrono::milliseconds interval = std::chrono::milliseconds(200));

// Runs a shell command; returns its exit status, stdout (and stderr if redirected) in output.
int run_shell(const std::string& command, std::string& output);

}  // namespace retort::testing
