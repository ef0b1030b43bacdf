#include "kube_cluster.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#ifndef RETORT_SOURCE_DIR
#error "RETORT_SOURCE_DIR must point at the repository root"
#endif

namespace retort::testing {
namespace {

KubeCluster* g_cluster = nullptr;
std::string g_start_error;

// Runs a shell command, returns its exit status and its stdout.
int run(const std::string& command, std::string& output) {
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
  return all.size() > 4000 ? all.substr(all.size() - 4000) : all;
}

}  // namespace

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::filesystem::path KubeCluster::script() {
  if (const char* override_path = std::getenv("RETORT_CLUSTER_SCRIPT")) return override_path;
  return std::filesystem::path(RETORT_SOURCE_DIR) / "tests" / "cluster" / "cluster.sh";
}

KubeCluster::KubeCluster(std::string extra_apiserver_args) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/retort-kube-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  running_ = true;  // from here on, stop() must run even if start-up fails half-way

  const std::string command = "RETORT_CLUSTER_OWNER_PID=" + std::to_string(::getpid()) +
                              " RETORT_KUBE_APISERVER_ARGS=" + shell_quote(extra_apiserver_args) +
                              " " + shell_quote(script().string()) + " up " +
                              shell_quote(dir_.string()) + " 2>" +
                              shell_quote((dir_ / "up.stderr").string());
  std::string output;
  const int status = run(command, output);
  if (status != 0) {
    std::string details =
        tail_of_file(dir_ / "up.stderr") + tail_of_file(dir_ / "kube-apiserver.log");
    stop();
    throw std::runtime_error("cluster.sh up failed (exit " + std::to_string(status) + "):\n" +
                             details);
  }
  kubeconfig_ = last_line(output);
  etcd_url_ = env_value(dir_ / "env.sh", "RETORT_ETCD_URL");
  apiserver_url_ = env_value(dir_ / "env.sh", "RETORT_APISERVER_URL");
}

KubeCluster::~KubeCluster() {
  stop();
}

void KubeCluster::stop() {
  if (!running_) return;
  running_ = false;
  std::string output;
  run(shell_quote(script().string()) + " down " + shell_quote(dir_.string()) + " 2>&1", output);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);  // also when `up` failed before marking the dir
}

int KubeCluster::run_kubectl(const std::vector<std::string>& args, std::string* output) const {
  std::string command =
      shell_quote(kubectl().string()) + " --kubeconfig=" + shell_quote(kubeconfig_.string());
  for (const auto& arg : args) command += " " + shell_quote(arg);
  command += " 2>&1";
  std::string text;
  const int status = run(command, text);
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
