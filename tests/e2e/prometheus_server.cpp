#include "prometheus_server.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/kube_node_cluster.hpp"

namespace retort::e2e {
namespace {

constexpr const char* kPrometheusBinary = "/usr/bin/prometheus";

// A loopback port that is free now (bind to port 0, read it back, close).
int freeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("could not find a free loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

std::string shellQuoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool exited(pid_t pid) {
  int status = 0;
  return ::waitpid(pid, &status, WNOHANG) == pid;
}

}  // namespace

PrometheusServer::PrometheusServer(const std::vector<std::string>& targets,
                                   const std::vector<std::filesystem::path>& ruleFiles) {
  if (::access(kPrometheusBinary, X_OK) != 0) {
    throw std::runtime_error(std::string(kPrometheusBinary) +
                             " not found (scripts/install-deps.sh installs Debian's prometheus)");
  }
  char pattern[] = "/tmp/retort-prometheus-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  const int port = freeLoopbackPort();
  baseUrl_ = "http://127.0.0.1:" + std::to_string(port);

  // Scrape and evaluate every second, so a test waits seconds, not minutes, for a change.
  std::ofstream config(dir_ / "prometheus.yml");
  config << "global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}\n";
  config << "rule_files:\n";
  for (const auto& file : ruleFiles) config << "  - " << file.string() << "\n";
  config << "scrape_configs:\n  - job_name: retort\n    static_configs:\n      - targets: [";
  for (std::size_t i = 0; i < targets.size(); ++i) {
    config << (i == 0 ? "" : ", ") << "'" << targets[i] << "'";
  }
  config << "]\n";
  config.close();

  const std::string configFile = (dir_ / "prometheus.yml").string();
  const std::string dataDir = (dir_ / "data").string();
  const std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port);
  const std::string configArg = "--config.file=" + configFile;
  const std::string dataArg = "--storage.tsdb.path=" + dataDir;
  const std::string logFile = (dir_ / "prometheus.log").string();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int log = ::open(logFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
    }
    ::execl(kPrometheusBinary, kPrometheusBinary, configArg.c_str(), dataArg.c_str(),
            listen.c_str(), "--web.enable-lifecycle", "--log.level=info",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const bool ready = testing::wait_until(
      [&] {
        if (exited(pid_)) return true;
        std::string output;
        return testing::run_shell("curl -fsS --max-time 2 " + baseUrl_ + "/-/ready 2>/dev/null",
                                  output) == 0;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(200));
  if (!ready || ::kill(pid_, 0) != 0) {
    const std::string log = logTail();
    if (::kill(pid_, 0) == 0) ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    std::filesystem::remove_all(dir_);
    throw std::runtime_error("prometheus did not become ready at " + baseUrl_ + ":\n" + log);
  }
}

PrometheusServer::~PrometheusServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    const bool stopped =
        testing::wait_until([&] { return exited(pid_); }, std::chrono::seconds(20));
    if (!stopped) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

nlohmann::json PrometheusServer::get(const std::string& path, const std::string& query) const {
  std::string command = "curl -sS --max-time 10 -G " + shellQuoted(baseUrl_ + path);
  if (!query.empty()) command += " --data-urlencode " + shellQuoted("query=" + query);
  std::string output;
  if (testing::run_shell(command + " 2>&1", output) != 0) {
    return nlohmann::json{{"error", "curl " + path + ": " + output}};
  }
  auto reply = nlohmann::json::parse(output, nullptr, false);
  if (reply.is_discarded()) return nlohmann::json{{"error", "not JSON: " + output}};
  return reply;
}

nlohmann::json PrometheusServer::instantQuery(const std::string& expr) const {
  const auto reply = get("/api/v1/query", expr);
  if (reply.value("status", "") != "success") {
    throw std::runtime_error("query " + expr + ": " + reply.dump());
  }
  return reply["data"]["result"];
}

std::vector<std::string> PrometheusServer::alerts(const std::string& state) const {
  std::vector<std::string> names;
  const auto reply = get("/api/v1/alerts");
  if (!reply.contains("data")) return names;
  for (const auto& alert : reply["data"]["alerts"]) {
    if (alert.value("state", "") == state) names.push_back(alert["labels"].value("alertname", ""));
  }
  return names;
}

std::string PrometheusServer::targetsSummary() const {
  std::ostringstream out;
  const auto reply = get("/api/v1/targets");
  if (!reply.contains("data")) return reply.dump();
  for (const auto& target : reply["data"]["activeTargets"]) {
    out << target.value("scrapeUrl", "?") << " " << target.value("health", "?") << " "
        << target.value("lastError", "") << "\n";
  }
  return out.str();
}

std::unique_ptr<PrometheusServer>& PrometheusEnvironment::server() {
  static std::unique_ptr<PrometheusServer> instance;
  return instance;
}

std::string PrometheusServer::logTail() const {
  std::ifstream in(dir_ / "prometheus.log");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  return text.size() > 3000 ? text.substr(text.size() - 3000) : text;
}

}  // namespace retort::e2e
