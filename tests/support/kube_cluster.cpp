#include "kube_cluster.hpp"

#include "kube_cluster_script.hpp"

namespace retort::testing {
namespace {

KubeCluster* g_cluster = nullptr;
std::string g_start_error;

}  // namespace

std::string shell_quote(const std::string& text) {
  return cluster_script::quote(text);
}

std::filesystem::path KubeCluster::script() {
  return cluster_script::script();
}

KubeCluster::KubeCluster(std::string extra_apiserver_args) {
  dir_ = cluster_script::make_temp_dir("retort-kube-test");
  running_ = true;  // from here on, stop() must run even if start-up fails half-way
  std::string kubeconfig;
  const int status = cluster_script::up(
      dir_, "RETORT_KUBE_APISERVER_ARGS=" + shell_quote(extra_apiserver_args), "", kubeconfig);
  if (status != 0) {
    std::string details = cluster_script::tail_of_file(dir_ / "up.stderr") +
                          cluster_script::tail_of_file(dir_ / "kube-apiserver.log");
    stop();
    throw std::runtime_error("cluster.sh up failed (exit " + std::to_string(status) + "):\n" +
                             details);
  }
  kubeconfig_ = kubeconfig;
  etcd_url_ = cluster_script::env_value(dir_ / "env.sh", "RETORT_ETCD_URL");
  apiserver_url_ = cluster_script::env_value(dir_ / "env.sh", "RETORT_APISERVER_URL");
}
KubeCluster::~KubeCluster() {
  stop();
}

void KubeCluster::stop() {
  if (!running_) return;
  running_ = false;
  cluster_script::down(dir_);
}

int KubeCluster::run_kubectl(const std::vector<std::string>& args, std::string* output) const {
  std::string command =
      shell_quote(kubectl().string()) + " --kubeconfig=" + shell_quote(kubeconfig_.string());
  for (const auto& arg : args) command += " " + shell_quote(arg);
  command += " 2>&1";
  std::string text;
  const int status = cluster_script::run(command, text);
  if (output != nullptr) *output = text;
  return status;
}

KubeClusterEnvironment::KubeClusterEnvironment(std::string extra_apiserver_args)
    : extra_args_(std::move(extra_apiserver_args)) {}

void KubeClusterEnvironment::SetUp() {
  try {
    g_cluster = new KubeCluster(extra_args_);
  } catch (const std::exception& e) {
    g_start_error = e.what();
  }
}

void KubeClusterEnvironment::TearDown() {
  delete g_cluster;
  g_cluster = nullptr;
}

KubeCluster& KubeClusterEnvironment::cluster() {
  if (g_cluster == nullptr) {
    throw std::runtime_error("no control plane: " + g_start_error);
  }
  return *g_cluster;
}

}  // namespace retort::testing
