#include "e2e_environment.hpp"

#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "postgres_server.hpp"

#ifndef RETORT_BUILD_DIR
#error "RETORT_BUILD_DIR must point at the build tree"
#endif

namespace retort::e2e {
namespace {

E2e g_e2e;
std::string g_error;

std::string sanitized(const std::string& hint) {
  std::string name;
  for (char c : hint) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
  }
  return name.substr(0, 40);
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

E2e& E2e::get() {
  if (g_e2e.cluster == nullptr) throw std::runtime_error("no e2e environment: " + g_error);
  return g_e2e;
}

E2e::Database E2e::createDatabase(const std::string& hint) const {
  Database db;
  db.local = test::PostgresServer::shared().createDatabase(hint);
  db.forPods = db.local;
  const std::string loopback = "@127.0.0.1:";
  const auto at = db.forPods.find(loopback);
  if (at == std::string::npos) throw std::runtime_error("unexpected database URI " + db.local);
  db.forPods.replace(at, loopback.size(), "@" + cluster->host_ip() + ":");
  db.serverForPods = db.forPods;
  const auto name = db.serverForPods.rfind('/') + 1;
  db.serverForPods.replace(name, db.serverForPods.find('?', name) - name, "postgres");
  return db;
}

std::string E2e::createNamespace(const std::string& hint) const {
  static int counter = 0;
  const std::string name =
      "e2e-" + sanitized(hint) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
  std::string output;
  if (cluster->run_kubectl({"create", "namespace", name}, &output) != 0) {
    throw std::runtime_error("kubectl create namespace " + name + ": " + output);
  }
  // Pods need the namespace's default ServiceAccount, which the controller manager creates.
  const bool ready = testing::wait_until(
      [&] {
        return cluster->run_kubectl({"-n", name, "get", "serviceaccount", "default"}) == 0;
      },
      std::chrono::seconds(30));
  if (!ready) throw std::runtime_error("no default ServiceAccount in " + name);
  return name;
}

void E2eEnvironment::SetUp() {
  try {
    auto* cluster = new testing::KubeNodeCluster();
    g_e2e.cluster = cluster;
    // The test PostgreSQL must also listen where pods can reach it.
    ::setenv("RETORT_PG_EXTRA_LISTEN", cluster->host_ip().c_str(), 1);
    ::setenv("RETORT_PG_EXTRA_HBA", cluster->pod_cidr().c_str(), 1);
    (void)test::PostgresServer::shared();
    g_e2e.retortImage = cluster->import_retort_image(RETORT_BUILD_DIR);
    g_e2e.kubectlImage = cluster->import_binary_image("kubectl", cluster->kubectl());
  } catch (const std::exception& e) {
    g_error = e.what();
    delete g_e2e.cluster;
    g_e2e.cluster = nullptr;
  }
}

void E2eEnvironment::TearDown() {
  delete g_e2e.cluster;
  g_e2e.cluster = nullptr;
}

std::string restrictedPodSecurityContext() {
  return R"(      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        seccompProfile: {type: RuntimeDefault}
)";
}

std::string restrictedContainerSecurityContext() {
  return R"(        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}
)";
}

std::string jsonpath(const std::string& ns, const std::string& kind, const std::string& name,
                     const std::string& path) {
  std::string output;
  E2e::get().cluster->run_kubectl({"-n", ns, "get", kind, name, "-o", "jsonpath=" + path}, &output);
  return trimmed(output);
}

std::string jobConditions(const std::string& ns, const std::string& job) {
  return jsonpath(ns, "job", job, "{range .status.conditions[*]}{.type}={.status}:{.reason};{end}");
}

std::string waitForJobFinished(const std::string& ns, const std::string& job, int seconds) {
  std::string conditions;
  testing::wait_until(
      [&] {
        conditions = jobConditions(ns, job);
        return conditions.find("Complete=True") != std::string::npos ||
               conditions.find("Failed=True") != std::string::npos;
      },
      std::chrono::seconds(seconds), std::chrono::milliseconds(300));
  return conditions;
}

std::vector<std::string> jobPods(const std::string& ns, const std::string& job) {
  std::string output;
  E2e::get().cluster->run_kubectl({"-n", ns, "get", "pods", "-l", "job-name=" + job, "-o",
                                   "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"},
                                  &output);
  std::vector<std::string> pods;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) pods.push_back(line);
  }
  return pods;
}

std::string headOf(const std::string& projectDir) {
  std::string output;
  const std::string command =
      std::string(RETORT_BINARY) + " -d '" + projectDir + "' heads 2>/dev/null";
  if (test::runCommand(command, &output) != 0) return "(retort heads failed in " + projectDir + ")";
  return output.substr(0, output.find_first_of(" \n"));
}

std::string sweetshopHead() {
  return headOf(std::string(RETORT_SOURCE_DIR) + "/migrations");
}

}  // namespace retort::e2e
