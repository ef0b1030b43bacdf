#include "operator_fixture.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "engine/runtime/connection.hpp"
#include "postgres_server.hpp"
#include "support/crd_established.hpp"

#ifndef RETORT_BINARY
#error "RETORT_BINARY must name the retort binary"
#endif

namespace retort::e2e {
namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

void kubectlOrThrow(const std::vector<std::string>& args, std::string* output = nullptr) {
  std::string text;
  if (E2e::get().cluster->run_kubectl(args, &text) != 0) {
    std::string command;
    for (const auto& arg : args) command += " " + arg;
    throw std::runtime_error("kubectl" + command + ": " + text);
  }
  if (output != nullptr) *output = text;
}

void applyOrThrow(const std::string& manifest) {
  std::string output;
  if (E2e::get().cluster->apply(manifest, &output) != 0)
    throw std::runtime_error("kubectl apply: " + output + "\n" + manifest);
}

std::filesystem::path makeTempDir(const std::string& prefix) {
  std::string pattern = "/tmp/" + prefix + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::filesystem::path installOperatorApi() {
  auto& cluster = *E2e::get().cluster;
  const std::filesystem::path source = RETORT_SOURCE_DIR;
  kubectlOrThrow({"apply", "-f", (source / "crds" / "schemaversion.yaml").string()});
  std::string output;
  if (!testing::waitCrdEstablished(cluster, "schemaversions.retort.dev", std::chrono::seconds(60),
                                   &output))
    throw std::runtime_error("the SchemaVersion CRD did not become Established: " + output);
  if (cluster.run_kubectl({"get", "namespace", "retort-system"}) != 0)
    kubectlOrThrow({"create", "namespace", "retort-system"});
  kubectlOrThrow({"apply", "-f", (source / "manifests" / "base" / "rbac.yaml").string()});

  // The ServiceAccount's token goes to a file the kubeconfig names (tokenFile): it never
  // appears on a command line.
  std::string token;
  kubectlOrThrow({"-n", "retort-system", "create", "token", "retort-controller", "--duration=3h"},
                 &token);
  std::string ca;
  kubectlOrThrow({"config", "view", "--raw", "--minify", "--flatten", "-o",
                  "jsonpath={.clusters[0].cluster.certificate-authority-data}"},
                 &ca);
  const auto dir = makeTempDir("retort-e2e-operator");
  const auto tokenFile = dir / "token";
  {
    const int fd = ::open(tokenFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) throw std::runtime_error("cannot write " + tokenFile.string());
    const std::string text = trimmed(token);
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!written) throw std::runtime_error("cannot write " + tokenFile.string());
  }
  const auto kubeconfig = dir / "kubeconfig";
  std::ofstream out(kubeconfig);
  out << "apiVersion: v1\nkind: Config\nclusters:\n- name: e2e\n  cluster:\n    server: "
      << cluster.apiserver_url() << "\n    certificate-authority-data: " << trimmed(ca)
      << "\nusers:\n- name: retort-controller\n  user:\n    tokenFile: " << tokenFile.string()
      << "\ncontexts:\n- name: e2e\n  context: {cluster: e2e, user: retort-controller}\n"
      << "current-context: e2e\n";
  out.close();
  ::chmod(kubeconfig.c_str(), 0600);
  return kubeconfig;
}

std::string freeLoopbackAddress() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("no free loopback port");
  }
  ::close(fd);
  return "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
}

// Whether this build's `retort controller` has the metrics endpoint (DESIGN.md section 8). A
// build without it still runs the tests; those that scrape /metrics then fail, naming it.
bool controllerServesMetrics() {
  static const bool serves = [] {
    std::string help;
    test::runCommand(std::string(RETORT_BINARY) + " controller --help 2>&1", &help);
    return help.find("--metrics-bind-address") != std::string::npos;
  }();
  return serves;
}

bool reap(pid_t pid, std::chrono::seconds timeout, int* status) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const pid_t done = ::waitpid(pid, status, WNOHANG);
    if (done == pid) return true;
    if (done < 0) return true;  // not our child any more
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

const std::filesystem::path& operatorKubeconfig() {
  // The directory holds the ServiceAccount's token and the operators' logs: removed at exit.
  static struct RemovedAtExit {
    std::filesystem::path kubeconfig;
    ~RemovedAtExit() {
      std::error_code ec;
      if (!kubeconfig.empty()) std::filesystem::remove_all(kubeconfig.parent_path(), ec);
    }
  } state;
  static std::once_flag once;
  std::call_once(once, [] { state.kubeconfig = installOperatorApi(); });
  return state.kubeconfig;
}

OperatorProcess::OperatorProcess(const std::string& ns, const std::vector<std::string>& extraArgs)
    : metricsAddress_(freeLoopbackAddress()), healthAddress_(freeLoopbackAddress()) {
  const auto& kubeconfig = operatorKubeconfig();
  logFile_ = kubeconfig.parent_path() /
             ("controller-" + ns + "-" + std::to_string(std::rand() % 100000) + ".log");
  std::vector<std::string> args = {RETORT_BINARY,       "controller",  "--kubeconfig",
                                   kubeconfig.string(), "--namespace", ns};
  if (controllerServesMetrics()) {
    args.insert(args.end(), {"--metrics-bind-address", metricsAddress_,
                             "--health-probe-bind-address", healthAddress_});
  }
  args.insert(args.end(), extraArgs.begin(), extraArgs.end());
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int logFd = ::open(logFile_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (logFd < 0) throw std::runtime_error("cannot open " + logFile_.string());
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(logFd, STDOUT_FILENO);
    ::dup2(logFd, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(logFd);
  if (pid_ < 0) throw std::runtime_error("fork failed");
}

OperatorProcess::~OperatorProcess() {
  if (pid_ > 0) terminate();
}

void OperatorProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  reap(pid_, std::chrono::seconds(10), &status);
  pid_ = -1;
}

int OperatorProcess::terminate() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  if (!reap(pid_, std::chrono::seconds(20), &status)) {
    ::kill(pid_, SIGKILL);
    reap(pid_, std::chrono::seconds(10), &status);
    pid_ = -1;
    return -1;
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool OperatorProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string OperatorProcess::log() const {
  std::ifstream in(logFile_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

OperatorWorld::OperatorWorld(const std::string& hint) {
  auto& e2e = E2e::get();
  operatorKubeconfig();
  ns = e2e.createNamespace(hint);
  db = e2e.createDatabase("e2e_op_" + hint);
  applyOrThrow("apiVersion: v1\nkind: Secret\nmetadata:\n  name: sweetshop-db\n  namespace: " + ns +
               "\nstringData:\n  uri: \"" + db.forPods + "\"\n");
  // The pod runs as 65532 and hostPath volumes ignore fsGroup: the directory is theirs.
  backupDir = makeTempDir("retort-e2e-backups");
  if (::chown(backupDir.c_str(), 65532, 65532) != 0 || ::chmod(backupDir.c_str(), 0750) != 0)
    throw std::runtime_error("cannot hand " + backupDir.string() + " to uid 65532");
  persistentVolume = ns + "-backups";
  applyOrThrow("apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: " + persistentVolume +
               "\nspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n"
               "  persistentVolumeReclaimPolicy: Retain\n  storageClassName: \"\"\n"
               "  claimRef: {namespace: " +
               ns + ", name: backups}\n  hostPath: {path: " + backupDir.string() +
               ", type: Directory}\n---\napiVersion: v1\nkind: PersistentVolumeClaim\n"
               "metadata:\n  name: backups\n  namespace: " +
               ns +
               "\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: \"\"\n"
               "  volumeName: " +
               persistentVolume + "\n  resources: {requests: {storage: 1Gi}}\n");
}

OperatorWorld::~OperatorWorld() {
  if (auto* cluster = E2e::get().cluster) {
    cluster->run_kubectl({"delete", "namespace", ns, "--wait=false"});
    cluster->run_kubectl({"delete", "pv", persistentVolume, "--wait=false"});
  }
  std::error_code ec;
  std::filesystem::remove_all(backupDir, ec);
}

std::string sweetshopSchemaVersion(const std::string& ns, const std::string& name,
                                   const std::string& target, const std::string& extraSpec,
                                   const std::string& migrations) {
  return "apiVersion: retort.dev/v1alpha1\nkind: SchemaVersion\nmetadata:\n  name: " + name +
         "\n  namespace: " + ns + "\nspec:\n  targetRevision: \"" + target +
         "\"\n  database:\n    secretRef: {name: sweetshop-db, key: uri}\n"
         "  migrations:\n    image: " +
         E2e::get().retortImage + "\n" + migrations +
         "  backup:\n    mode: Required\n    persistentVolumeClaim: {claimName: backups}\n"
         "  driftCheckInterval: 10s\n" +
         extraSpec;
}

int kubectlWait(const std::string& ns, const std::string& name, const std::string& condition,
                int seconds, std::string* output) {
  return E2e::get().cluster->run_kubectl(
      {"-n", ns, "wait", "--for=condition=" + condition,
       "--timeout=" + std::to_string(seconds) + "s", "schemaversion/" + name},
      output);
}

std::string svCondition(const std::string& ns, const std::string& name, const std::string& type) {
  return jsonpath(ns, "schemaversion", name,
                  "{.status.conditions[?(@.type==\"" + type +
                      "\")].status}/{.status.conditions[?(@.type==\"" + type +
                      "\")].reason}: {.status.conditions[?(@.type==\"" + type + "\")].message}");
}

bool waitForSvCondition(const std::string& ns, const std::string& name, const std::string& type,
                        const std::string& status, int seconds) {
  return testing::wait_until(
      [&] {
        const std::string observed = jsonpath(
            ns, "schemaversion", name,
            "{.metadata.generation}={.status.observedGeneration} {.status.conditions[?(@.type==\"" +
                type + "\")].status}");
        const auto eq = observed.find('=');
        const auto space = observed.find(' ');
        if (eq == std::string::npos || space == std::string::npos) return false;
        return observed.substr(0, eq) == observed.substr(eq + 1, space - eq - 1) &&
               observed.substr(space + 1) == status;
      },
      std::chrono::seconds(seconds), std::chrono::milliseconds(300));
}

void applyAndWaitReady(const OperatorProcess& op, const std::string& ns, const std::string& name,
                       const std::string& manifest, int seconds) {
  std::string output;
  ASSERT_EQ(E2e::get().cluster->apply(manifest, &output), 0) << output;
  ASSERT_EQ(kubectlWait(ns, name, "Ready", seconds, &output), 0)
      << output << describeSv(ns, name) << "--- operator log\n"
      << op.log();
}

int patchSpec(const std::string& ns, const std::string& name, const std::string& mergePatch) {
  std::string output;
  const int status = E2e::get().cluster->run_kubectl(
      {"-n", ns, "patch", "schemaversion", name, "--type=merge", "-p", mergePatch}, &output);
  EXPECT_EQ(status, 0) << output;
  return status;
}

void expectDowngradeRefused(const OperatorWorld& world, const OperatorProcess& op,
                            const std::string& name, const std::string& target,
                            const std::string& schemaBefore) {
  ASSERT_EQ(patchSpec(world.ns, name, "{\"spec\":{\"targetRevision\":\"" + target + "\"}}"), 0);
  ASSERT_TRUE(waitForSvCondition(world.ns, name, "Stalled", "True", 180))
      << describeSv(world.ns, name) << op.log();
  const std::string stalled = svCondition(world.ns, name, "Stalled");
  EXPECT_EQ(stalled.rfind("True/DowngradeNotAllowed", 0), 0u) << stalled;
  EXPECT_EQ(svCondition(world.ns, name, "Ready").substr(0, 6), "False/");
  EXPECT_EQ(schemaSnapshot(world.db.local), schemaBefore);
}

std::string describeSv(const std::string& ns, const std::string& name) {
  std::string sv, jobs, pods, events;
  auto& cluster = *E2e::get().cluster;
  cluster.run_kubectl({"-n", ns, "get", "schemaversion", name, "-o", "yaml"}, &sv);
  cluster.run_kubectl({"-n", ns, "get", "jobs,pods", "-o", "wide"}, &jobs);
  cluster.run_kubectl(
      {"-n", ns, "logs", "-l", "app.kubernetes.io/component=migration", "--tail=30", "--prefix"},
      &pods);
  cluster.run_kubectl({"-n", ns, "get", "events", "--sort-by=.lastTimestamp"}, &events);
  return "--- SchemaVersion\n" + sv + "--- Jobs and pods\n" + jobs + "--- pod logs\n" + pods +
         "--- events\n" + events;
}

std::vector<std::string> jobsIn(const std::string& ns) {
  std::string output;
  E2e::get().cluster->run_kubectl(
      {"-n", ns, "get", "jobs", "-o",
       "jsonpath={range .items[*]}{.metadata.name} {.metadata.uid}{\"\\n\"}{end}"},
      &output);
  std::vector<std::string> jobs;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) jobs.push_back(line);
  return jobs;
}

std::string schemaSnapshot(const std::string& uri, bool withBookkeeping) {
  std::string dump, version;
  const std::string exclude = withBookkeeping ? "" : " --exclude-table='alembic_version*'";
  // Newer pg_dump versions wrap the dump in \restrict/\unrestrict with a random key per run.
  test::runCommand("pg_dump --schema-only --no-owner" + exclude + " '" + uri +
                       "' 2>&1 | grep -Ev '^\\\\(un)?restrict '",
                   &dump);
  // The recorded revisions; a missing version table reads as none.
  engine::Connection conn(uri);
  if (conn.exec("SELECT to_regclass('alembic_version') IS NOT NULL").value(0, 0) == "t") {
    auto rows = conn.exec("SELECT version_num FROM alembic_version ORDER BY 1");
    for (int row = 0; row < rows.rows(); ++row) version += rows.value(row, 0) + "\n";
  }
  return dump + "\n--- alembic_version\n" + version;
}

std::string httpGet(const std::string& address, const std::string& path, int* status) {
  if (status != nullptr) *status = -1;
  const auto colon = address.rfind(':');
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_port = htons(static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1))));
  ::inet_pton(AF_INET, address.substr(0, colon).c_str(), &peer.sin_addr);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof peer) != 0) {
    ::close(fd);
    return "";
  }
  const std::string request =
      "GET " + path + " HTTP/1.0\r\nHost: " + address + "\r\nConnection: close\r\n\r\n";
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return "";
  }
  std::string response;
  char buffer[8192];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
    response.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  const auto headerEnd = response.find("\r\n\r\n");
  if (response.rfind("HTTP/", 0) != 0 || headerEnd == std::string::npos) return "";
  if (status != nullptr) *status = std::stoi(response.substr(response.find(' ') + 1, 3));
  return response.substr(headerEnd + 4);
}

double metricValue(const std::string& exposition, const std::string& metric,
                   const std::vector<std::string>& labels) {
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind(metric, 0) != 0) continue;
    const char next = line.size() > metric.size() ? line[metric.size()] : '\0';
    if (next != '{' && next != ' ') continue;
    const auto valueAt = line.rfind(' ');
    const std::string series = line.substr(0, valueAt);
    bool matches = true;
    for (const auto& label : labels)
      if (series.find(label) == std::string::npos) matches = false;
    if (matches) return std::stod(line.substr(valueAt + 1));
  }
  return std::nan("");
}

}  // namespace retort::e2e

namespace retort::e2e {
namespace {

std::string quotedForShell(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

StoppedPostgres::StoppedPostgres() {
  {
    engine::Connection admin(test::PostgresServer::shared().uri());
    dataDir_ = admin.exec("SHOW data_directory").value(0, 0);
  }
  // postmaster.opts: the server binary, then its arguments, each in double quotes.
  std::ifstream in(dataDir_ + "/postmaster.opts");
  std::string line;
  std::getline(in, line);
  const auto space = line.find(' ');
  if (space == std::string::npos) throw std::runtime_error("unreadable postmaster.opts: " + line);
  binDir_ = std::filesystem::path(line.substr(0, space)).parent_path().string();
  options_ = line.substr(space + 1);
  std::string output;
  if (test::runCommand("runuser -u postgres -- " + binDir_ + "/pg_ctl -D " +
                           quotedForShell(dataDir_) + " -m fast -w -t 60 stop 2>&1",
                       &output) != 0)
    throw std::runtime_error("pg_ctl stop: " + output);
  stopped_ = true;
}

bool StoppedPostgres::start(std::string* output) {
  std::string text;
  const int status = test::runCommand(
      "runuser -u postgres -- " + binDir_ + "/pg_ctl -D " + quotedForShell(dataDir_) + " -l " +
          quotedForShell(dataDir_ + "/../server.log") + " -w -t 60 -o " + quotedForShell(options_) +
          " start 2>&1",
      &text);
  if (output != nullptr) *output = text;
  if (status == 0) stopped_ = false;
  return status == 0;
}

StoppedPostgres::~StoppedPostgres() {
  if (stopped_) start();
}

}  // namespace retort::e2e
