#include "kube_node_cluster.hpp"

#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <thread>

#include "kube_cluster_script.hpp"

namespace retort::testing {
namespace {

using cluster_script::quote;
using cluster_script::source_dir;
using cluster_script::tail_of_file;

KubeNodeCluster* g_node_cluster = nullptr;
std::string g_node_start_error;

}  // namespace

int run_shell(const std::string& command, std::string& output) {
  return cluster_script::run(command, output);
}

bool wait_until(const std::function<bool()>& condition, std::chrono::duration<double> timeout,
                std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

KubeNodeCluster::KubeNodeCluster() {
  dir_ = cluster_script::make_temp_dir("retort-node");
  running_ = true;  // from here on, stop() must run even if start-up fails half-way
  std::string kubeconfig;
  const auto started = std::chrono::steady_clock::now();
  const int status = cluster_script::up(dir_, "", "--node", kubeconfig);
  start_time_ = std::chrono::steady_clock::now() - started;
  if (status != 0) {
    std::string details =
        tail_of_file(dir_ / "up.stderr", 3000) + tail_of_file(dir_ / "kubelet.log", 3000);
    stop();
    throw std::runtime_error("cluster.sh up --node failed (exit " + std::to_string(status) +
                             "):\n" + details);
  }
  kubeconfig_ = kubeconfig;
  const auto env = dir_ / "env.sh";
  apiserver_url_ = cluster_script::env_value(env, "RETORT_APISERVER_URL");
  host_ip_ = cluster_script::env_value(env, "RETORT_NODE_HOST_IP");
  pod_cidr_ = cluster_script::env_value(env, "RETORT_NODE_POD_CIDR");
  node_name_ = cluster_script::env_value(env, "RETORT_NODE_NAME");
}

KubeNodeCluster::~KubeNodeCluster() {
  stop();
}

int KubeNodeCluster::stop(std::string* output) {
  if (!running_) return 0;
  running_ = false;
  return cluster_script::down(dir_, output);
}

int KubeNodeCluster::run_kubectl(const std::vector<std::string>& args, std::string* output) const {
  std::string command = quote(kubectl().string()) + " --kubeconfig=" + quote(kubeconfig_.string());
  for (const auto& arg : args) command += " " + quote(arg);
  command += " 2>&1";
  std::string text;
  const int status = run_shell(command, text);
  if (output != nullptr) *output = text;
  return status;
}

int KubeNodeCluster::apply(const std::string& manifest, std::string* output) const {
  char name[] = "/tmp/retort-manifest-XXXXXX";
  const int fd = ::mkstemp(name);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  ::close(fd);
  {
    std::ofstream out(name);
    out << manifest;
  }
  const int status = run_kubectl({"apply", "-f", name}, output);
  std::filesystem::remove(name);
  return status;
}

std::string KubeNodeCluster::import_retort_image(const std::filesystem::path& build_dir) const {
  const auto script = source_dir() / "scripts" / "image.sh";
  std::string output;
  const int status = run_shell(quote(script.string()) + " --build-dir " +
                                   quote(build_dir.string()) + " --import " + quote(dir_.string()) +
                                   " 2>" + quote((dir_ / "image.stderr").string()),
                               output);
  if (status != 0) {
    throw std::runtime_error("scripts/image.sh failed (exit " + std::to_string(status) + "):\n" +
                             tail_of_file(dir_ / "image.stderr", 3000));
  }
  return cluster_script::last_line(output);
}

std::string KubeNodeCluster::import_binary_image(const std::string& name,
                                                 const std::filesystem::path& binary) const {
  // Packing a big binary (gzip) takes seconds; the archive is kept next to the cached
  // binaries, keyed by the binary's size and modification time.
  const auto real = std::filesystem::canonical(binary);
  const char* cache_env = std::getenv("RETORT_CACHE_DIR");
  const char* home = std::getenv("HOME");
  const std::filesystem::path cache_root =
      cache_env != nullptr && *cache_env != '\0'
          ? std::filesystem::path(cache_env)
          : std::filesystem::path(home != nullptr ? home : "/root") / ".cache" / "retort";
  const auto images = cache_root / "kube" / "images";
  std::filesystem::create_directories(images);
  const auto stamp = std::filesystem::last_write_time(real).time_since_epoch().count();
  const auto archive = images / (name + "-" + std::to_string(std::filesystem::file_size(real)) +
                                 "-" + std::to_string(stamp) + ".tar");
  const auto work = dir_ / ("image-" + name);
  std::filesystem::create_directories(work / "rootfs");
  std::string command;
  if (!std::filesystem::exists(archive)) {
    std::filesystem::copy_file(real, work / "rootfs" / name,
                               std::filesystem::copy_options::overwrite_existing);
    command = quote((source_dir() / "scripts" / "oci-archive.sh").string()) + " " +
              quote((work / "rootfs").string()) + " " + quote(archive.string()) +
              " test --config.entrypoint /" + name + " --config.user 65532:65532 >" +
              quote((work / "log").string()) + " 2>&1 && ";
  }
  command += "ctr --address " + quote((dir_ / "node" / "containerd" / "containerd.sock").string()) +
             " -n k8s.io images import --base-name " + quote("localhost/" + name) + " " +
             quote(archive.string()) + " >>" + quote((work / "log").string()) + " 2>&1";
  std::string output;
  if (run_shell(command, output) != 0) {
    throw std::runtime_error("could not import " + binary.string() + " as an image:\n" +
                             tail_of_file(work / "log", 3000));
  }
  return "localhost/" + name + ":test";
}

void KubeNodeClusterEnvironment::SetUp() {
  try {
    g_node_cluster = new KubeNodeCluster();
  } catch (const std::exception& e) {
    g_node_start_error = e.what();
  }
}

void KubeNodeClusterEnvironment::TearDown() {
  delete g_node_cluster;
  g_node_cluster = nullptr;
}

KubeNodeCluster& KubeNodeClusterEnvironment::cluster() {
  if (g_node_cluster == nullptr) {
    throw std::runtime_error("no node cluster: " + g_node_start_error);
  }
  return *g_node_cluster;
}

}  // namespace retort::testing
