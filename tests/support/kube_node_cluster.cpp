#include "kube_node_cluster.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef RETORT_SOURCE_DIR
#error "RETORT_SOURCE_DIR must point at the repository root"
#endif

namespace retort::testing {
namespace {

KubeNodeCluster* g_node_cluster = nullptr;
std::string g_node_start_error;

std::string quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::filesystem::path source_dir() {
  return std::filesystem::path(RETORT_SOURCE_DIR);
}

std::string last_line(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
  const auto pos = trimmed.rfind('\n');
  return pos == std::string::npos ? trimmed : trimmed.substr(pos + 1);
}

std::string env_value(const std::filesystem::path& env_file, const std::string& name) {
  std::ifstream in(env_file);
  std::string line;
  const std::string prefix = "export " + name + "=\"";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0 && line.size() > prefix.size()) {
      return line.substr(prefix.size(), line.size() - prefix.size() - 1);
    }
  }
  return {};
}

std::string tail_of_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > 3000 ? all.substr(all.size() - 3000) : all;
}

}  // namespace

int run_shell(const std::string& command, std::string& output) {
  output.clear();
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/retort-node-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  running_ = true;  // from here on, stop() must run even if start-up fails half-way

  const auto script = source_dir() / "tests" / "cluster" / "cluster.sh";
  const std::string command = "RETORT_CLUSTER_OWNER_PID=" + std::to_string(::getpid()) + " " +
                              quote(script.string()) + " up --node " + quote(dir_.string()) +
                              " 2>" + quote((dir_ / "up.stderr").string());
  std::string output;
  const auto started = std::chrono::steady_clock::now();
  const int status = run_shell(command, output);
  start_time_ = std::chrono::steady_clock::now() - started;
  if (status != 0) {
    std::string details = tail_of_file(dir_ / "up.stderr") + tail_of_file(dir_ / "kubelet.log");
    stop();
    throw std::runtime_error("cluster.sh up --node failed (exit " + std::to_string(status) +
                             "):\n" + details);
  }
  kubeconfig_ = last_line(output);
  apiserver_url_ = env_value(dir_ / "env.sh", "RETORT_APISERVER_URL");
  host_ip_ = env_value(dir_ / "env.sh", "RETORT_NODE_HOST_IP");
  pod_cidr_ = env_value(dir_ / "env.sh", "RETORT_NODE_POD_CIDR");
  node_name_ = env_value(dir_ / "env.sh", "RETORT_NODE_NAME");
}

KubeNodeCluster::~KubeNodeCluster() {
  stop();
}

int KubeNodeCluster::stop(std::string* output) {
  if (!running_) return 0;
  running_ = false;
  const auto script = source_dir() / "tests" / "cluster" / "cluster.sh";
  std::string text;
  const int status =
      run_shell(quote(script.string()) + " down " + quote(dir_.string()) + " 2>&1", text);
  if (output != nullptr) *output = text;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);  // also when `up` failed before marking the dir
  return status;
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
                             tail_of_file(dir_ / "image.stderr"));
  }
  return last_line(output);
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
                             tail_of_file(work / "log"));
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
