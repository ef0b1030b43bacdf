// Driving tests/cluster/cluster.sh from a GoogleTest fixture: the part KubeCluster (control
// plane) and KubeNodeCluster (one node) share. up() runs `cluster.sh up [ARGS] DIR` with this
// process's pid as RETORT_CLUSTER_OWNER_PID, so the script's watchdog runs `down` if the test
// binary crashes, and returns the kubeconfig path the script prints as its last line; down()
// stops the cluster and removes DIR. The script is the checkout's (RETORT_SOURCE_DIR, compiled
// into the fixture) unless RETORT_CLUSTER_SCRIPT names another. Header-only: each fixture
// library compiles it with its own RETORT_SOURCE_DIR.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#ifndef RETORT_SOURCE_DIR
#error "RETORT_SOURCE_DIR must point at the repository root"
#endif

namespace retort::testing::cluster_script {

// Quotes a string for /bin/sh.
inline std::string quote(const std::string& text) {
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

// Runs a shell command; returns its exit status (-1 when it did not exit) and its stdout.
inline int run(const std::string& command, std::string& output) {
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

inline std::string last_line(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
  const auto pos = trimmed.rfind('\n');
  return pos == std::string::npos ? trimmed : trimmed.substr(pos + 1);
}

// The value of `export NAME="value"` in the env.sh that `up` writes.
inline std::string env_value(const std::filesystem::path& env_file, const std::string& name) {
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

// The last `max_chars` characters of a log, for an error message.
inline std::string tail_of_file(const std::filesystem::path& path, std::size_t max_chars = 4000) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > max_chars ? all.substr(all.size() - max_chars) : all;
}

inline std::filesystem::path source_dir() {
  return std::filesystem::path(RETORT_SOURCE_DIR);
}

inline std::filesystem::path script() {
  if (const char* override_path = std::getenv("RETORT_CLUSTER_SCRIPT")) return override_path;
  return source_dir() / "tests" / "cluster" / "cluster.sh";
}

// A fresh directory under $TMPDIR (or /tmp) named prefix-XXXXXX.
inline std::filesystem::path make_temp_dir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/" + prefix + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// `env cluster.sh up args DIR 2>DIR/up.stderr`; env is a prefix of NAME=value words (quoted).
inline int up(const std::filesystem::path& dir, const std::string& env, const std::string& args,
              std::string& kubeconfig) {
  const std::string command = "RETORT_CLUSTER_OWNER_PID=" + std::to_string(::getpid()) + " " + env +
                              " " + quote(script().string()) + " up " + args + " " +
                              quote(dir.string()) + " 2>" + quote((dir / "up.stderr").string());
  std::string output;
  const int status = run(command, output);
  kubeconfig = last_line(output);
  return status;
}

// `cluster.sh down DIR`, then removes DIR (also when `up` failed before marking it).
inline int down(const std::filesystem::path& dir, std::string* output = nullptr) {
  std::string text;
  const int status = run(quote(script().string()) + " down " + quote(dir.string()) + " 2>&1", text);
  if (output != nullptr) *output = text;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return status;
}

}  // namespace retort::testing::cluster_script
