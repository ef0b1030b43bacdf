// `retort controller` as a process against a real kube-apiserver and the test PostgreSQL: its
// /metrics (checked by promtool), /healthz and /readyz, JSON logs naming each SchemaVersion,
// the drift check (a database moved by hand is reported; an unreachable one is an Event), and
// no credential in any log line, Event, status or metric.
#include <arpa/inet.h>
#include <cpprest/asyncrt_utils.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "kube_test_support.hpp"
#include "operator/schema_version/database_heads.hpp"
#include "operator/schema_version/job_builder.hpp"
#include "operator/schema_version/schema_version.hpp"
#include "operator/schema_version/schema_version_reconciler.hpp"
#include "operator_test_support.hpp"
#include "tests/support/cli_runner.hpp"
#include "tests/support/kube_cluster.hpp"
#include "tests/support/postgres_server.hpp"

namespace retort::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// GET over loopback with curl; returns the status code ("000" when nothing answered).
std::string httpGet(const std::string& url, std::string* body = nullptr) {
  const fs::path file = fs::temp_directory_path() / ("retort-get-" + std::to_string(::getpid()));
  std::string code;
  test::runCommand("curl -s -m 5 -o " + file.string() + " -w '%{http_code}' " + url, &code);
  if (body) *body = slurp(file);
  fs::remove(file);
  return code;
}

// `retort controller ...` with stderr (its log) in a file; SIGTERM on destruction.
class ControllerProcess {
 public:
  ControllerProcess(const std::vector<std::string>& arguments, fs::path log)
      : log_(std::move(log)) {
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, STDERR_FILENO);
      std::vector<std::string> all = {RETORT_BINARY, "controller"};
      all.insert(all.end(), arguments.begin(), arguments.end());
      std::vector<char*> argv;
      for (std::string& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(RETORT_BINARY, argv.data());
      ::_exit(127);
    }
  }
  ~ControllerProcess() { stop(); }
  int stop() {
    if (pid_ <= 0) return status_;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return status_;
  }
  // The exit status once the process ended on its own; nullopt while it runs.
  std::optional<int> exited() {
    if (pid_ <= 0) return status_;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
    pid_ = -1;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return status_;
  }
  std::string log() const { return slurp(log_); }
  pid_t pid() const { return pid_; }

 private:
  fs::path log_;
  pid_t pid_ = -1;
  int status_ = -1;
};

// A SchemaVersion whose database is already at its target: created, then given the status a
// successful run would have written, so the controller only watches and checks drift.
void createReady(kube::ApiClient& client, const std::string& ns, const std::string& name,
                 const std::string& secret, const std::vector<std::string>& heads) {
  json object = {{"apiVersion", "retort.dev/v1alpha1"},
                 {"kind", "SchemaVersion"},
                 {"metadata", {{"name", name}}},
                 {"spec",
                  {{"targetRevision", "head"},
                   {"database", {{"secretRef", {{"name", secret}, {"key", "uri"}}}}},
                   {"migrations", {{"image", "localhost/retort-sweetshop:0.2.0"}}},
                   {"backup", {{"mode", "Disabled"}}},
                   {"driftCheckInterval", "10s"}}}};
  object = client.create(op::schemaVersionResource(), ns, object);
  const std::int64_t generation = object["metadata"]["generation"];
  op::SchemaVersionStatus status;
  status.observedGeneration = generation;
  status.currentRevisions = heads;
  status.targetRevisions = heads;
  status.lastRun = op::LastRun{op::migrationJobName(name, generation, {}),
                               "2026-01-01T00:00:00Z",
                               "2026-01-01T00:00:03Z",
                               "Succeeded",
                               "Migrated",
                               ""};
  for (const char* type : {"Ready", "Reconciling", "Stalled", "Drifted"}) {
    const bool ready = std::string(type) == "Ready";
    status.conditions.push_back({type, ready ? "True" : "False", ready ? "Migrated" : "InSync", "",
                                 generation, "2026-01-01T00:00:03Z"});
  }
  client.patch_status(op::schemaVersionResource(), ns, name, kube::PatchType::Merge,
                      {{"status", op::statusToJson(status)}});
}

void createSecret(kube::ApiClient& client, const std::string& ns, const std::string& name,
                  const std::string& url) {
  client.create(kube::resources::secrets(), ns,
                {{"apiVersion", "v1"},
                 {"kind", "Secret"},
                 {"metadata", {{"name", name}}},
                 {"data",
                  {{"uri", utility::conversions::to_base64(
                               std::vector<unsigned char>(url.begin(), url.end()))}}}});
}

std::string conditionOf(const json& object, const std::string& type) {
  for (const json& c : object["status"].value("conditions", json::array()))
    if (c["type"] == type) return c.value("status", "") + "/" + c.value("reason", "");
  return "(none)";
}

// The sample lines of a scrape whose name is `metric` and that carry every label given.
std::vector<std::string> samples(const std::string& scrape, const std::string& metric,
                                 const std::vector<std::string>& labels) {
  std::vector<std::string> found;
  std::istringstream lines(scrape);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(metric + "{", 0) != 0 && line.rfind(metric + " ", 0) != 0) continue;
    bool all = true;
    for (const std::string& label : labels) all &= line.find(label) != std::string::npos;
    if (all) found.push_back(line);
  }
  return found;
}

TEST(OperatorObservabilityTest, MetricsProbesLogsAndDriftOfARunningController) {
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = make_namespace(*client, "sv-observe");

  // A SweetShop database at head, reached through a password the controller must never show.
  const std::string password = "pw-Never-Shown-4d1";
  test::PostgresServer& postgres = test::PostgresServer::shared();
  const std::string url = postgres.createPasswordDatabase("drift", password);
  const fs::path scripts = test::copySweetShop();
  ASSERT_EQ(test::runRetort("-d " + scripts.string() + " upgrade head", url).exitCode, 0);
  const std::vector<std::string> heads = op::readDatabaseHeads(url);
  ASSERT_FALSE(heads.empty());
  createSecret(*client, ns, "drifty-db", url);
  createReady(*client, ns, "drifty", "drifty-db", heads);
  // A database nobody listens for: every check fails, reported, never fatal.
  const std::string unreachablePassword = "pw-Unreachable-9c2";
  createSecret(*client, ns, "gone-db",
               "postgresql://app:" + unreachablePassword + "@127.0.0.1:1/app");
  createReady(*client, ns, "unreachable", "gone-db", heads);

  const int metricsPort = freePort();
  const int healthPort = freePort();
  const std::string metricsUrl = "http://127.0.0.1:" + std::to_string(metricsPort) + "/metrics";
  const std::string health = "http://127.0.0.1:" + std::to_string(healthPort);
  const fs::path log = fs::temp_directory_path() / ("retort-controller-" + ns + ".log");
  ControllerProcess controller(
      {"--kubeconfig", KubeClusterEnvironment::cluster().kubeconfig().string(), "--namespace", ns,
       "--log-format", "json", "--metrics-bind-address", "127.0.0.1:" + std::to_string(metricsPort),
       "--health-probe-bind-address", "127.0.0.1:" + std::to_string(healthPort)},
      log);

  ASSERT_TRUE(eventually([&] { return httpGet(health + "/readyz") == "200"; })) << controller.log();
  EXPECT_EQ(httpGet(health + "/healthz"), "200");

  // Move the database by hand: reported within the 10 s interval (plus its first offset).
  ASSERT_EQ(test::runRetort("-d " + scripts.string() + " downgrade -1", url).exitCode, 0);
  json drifty;
  ASSERT_TRUE(eventually(
      [&] {
        drifty = client->get(op::schemaVersionResource(), ns, "drifty");
        return conditionOf(drifty, "Drifted") == "True/OutOfBandChange";
      },
      std::chrono::seconds(60)))
      << drifty.dump(2) << controller.log() << "\nmetrics:\n"
      << [&] {
           std::string body;
           httpGet(metricsUrl, &body);
           return body;
         }();
  EXPECT_NE(drifty["status"]["currentRevisions"], json(heads));

  std::set<std::string> driftyEvents, unreachableEvents;
  std::string eventText;
  ASSERT_TRUE(eventually(
      [&] {
        eventText.clear();
        for (const json& event : client->list(kube::resources::events(), ns).items) {
          eventText += event.dump() + "\n";
          const std::string regarding = event["regarding"].value("name", "");
          (regarding == "drifty" ? driftyEvents : unreachableEvents)
              .insert(event.value("reason", ""));
        }
        return driftyEvents.count("Drifted") && unreachableEvents.count("DriftCheckFailed");
      },
      std::chrono::seconds(60)))
      << eventText;

  // The gauges follow the status the reconciler reads back from its cache, so they may trail the
  // Drifted condition by a pass: wait for them too.
  std::string scrape;
  ASSERT_TRUE(eventually([&] {
    if (httpGet(metricsUrl, &scrape) != "200") return false;
    const auto drifted = samples(scrape, "retort_schemaversion_drifted", {"name=\"drifty\""});
    return drifted.size() == 1 && drifted[0].back() != '0' &&
           !samples(scrape, "retort_drift_checks_total", {"name=\"drifty\"", "result=\"drifted\""})
                .empty() &&
           !samples(scrape, "retort_drift_checks_total",
                    {"name=\"unreachable\"", "result=\"failed\""})
                .empty();
  })) << scrape;
  EXPECT_EQ(samples(scrape, "retort_schemaversion_info", {"name=\"unreachable\""}).size(), 1u);
  EXPECT_EQ(samples(scrape, "retort_schemaversion_ready", {"name=\"unreachable\"", "} 1"}).size(),
            1u);
  // Steady objects come back with their drift checks' results, not on a timer: "success".
  EXPECT_FALSE(samples(scrape, "retort_reconcile_total", {"result=\"success\""}).empty());
  EXPECT_FALSE(samples(scrape, "retort_workqueue_adds_total", {"name=\"schemaversion\""}).empty());
  EXPECT_FALSE(samples(scrape, "retort_workqueue_queue_duration_seconds_count", {}).empty());
  EXPECT_EQ(samples(scrape, "retort_leader_is_leader", {}).size(), 1u);
  EXPECT_FALSE(samples(scrape, "process_resident_memory_bytes", {}).empty());

  // promtool accepts the exposition.
  const fs::path scrapeFile = fs::temp_directory_path() / ("retort-scrape-" + ns + ".txt");
  std::ofstream(scrapeFile) << scrape;
  std::string promtool;
  EXPECT_EQ(
      test::runCommand("promtool check metrics < " + scrapeFile.string() + " 2>&1", &promtool), 0)
      << promtool;
  fs::remove(scrapeFile);

  // Deleting a SchemaVersion removes its series.
  client->remove(op::schemaVersionResource(), ns, "unreachable");
  ASSERT_TRUE(eventually([&] {
    return httpGet(metricsUrl, &scrape) == "200" &&
           scrape.find("name=\"unreachable\"") == std::string::npos;
  })) << scrape;

  EXPECT_EQ(controller.stop(), 0);
  const std::string logText = controller.log();
  // Every line is JSON; a line about a SchemaVersion names its namespace and name.
  std::istringstream lines(logText);
  int aboutObjects = 0;
  bool driftLogged = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    json parsed;
    ASSERT_NO_THROW(parsed = json::parse(line)) << line;
    if (parsed.contains("reason") || parsed.value("msg", "") == "reconcile failed") {
      ++aboutObjects;
      EXPECT_EQ(parsed.value("namespace", ""), ns) << line;
      EXPECT_FALSE(parsed.value("name", "").empty()) << line;
      driftLogged |= parsed.value("reason", "") == "Drifted" && parsed["name"] == "drifty";
    }
  }
  EXPECT_GT(aboutObjects, 0) << logText;
  EXPECT_TRUE(driftLogged) << logText;

  // No credential anywhere the controller writes.
  const json statuses = client->list(op::schemaVersionResource(), ns).items;
  for (const std::string& secret : {password, unreachablePassword}) {
    EXPECT_EQ(logText.find(secret), std::string::npos);
    EXPECT_EQ(eventText.find(secret), std::string::npos);
    EXPECT_EQ(statuses.dump().find(secret), std::string::npos);
    EXPECT_EQ(scrape.find(secret), std::string::npos);
  }
  EXPECT_EQ(logText.find(url), std::string::npos);
  fs::remove(log);
}

TEST(OperatorObservabilityTest, ReadyzIs503UntilTheCachesSync) {
  // An API server nobody answers at: the process lives (healthz) but never becomes ready.
  std::string kubeconfig = slurp(KubeClusterEnvironment::cluster().kubeconfig());
  const std::string server = KubeClusterEnvironment::cluster().apiserver_url();
  kubeconfig.replace(kubeconfig.find(server), server.size(), "https://127.0.0.1:1");
  const fs::path file = fs::temp_directory_path() /
                        ("retort-unreachable-" + std::to_string(::getpid()) + ".kubeconfig");
  std::ofstream(file) << kubeconfig;
  const int healthPort = freePort();
  const std::string health = "http://127.0.0.1:" + std::to_string(healthPort);
  const fs::path log = fs::temp_directory_path() / ("retort-unready-" + std::to_string(::getpid()));
  ControllerProcess controller(
      {"--kubeconfig", file.string(), "--metrics-bind-address", "0", "--health-probe-bind-address",
       "127.0.0.1:" + std::to_string(healthPort)},
      log);
  ASSERT_TRUE(eventually([&] { return httpGet(health + "/healthz") == "200"; }))
      << controller.log();
  EXPECT_EQ(httpGet(health + "/readyz"), "503");
  EXPECT_EQ(controller.stop(), 0) << controller.log();
  fs::remove(file);
  fs::remove(log);
}

// Threads of a process that do not block SIGTERM (/proc/PID/task/*/status, SigBlk).
int threadsTakingSigterm(pid_t pid) {
  int count = 0;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream status(task.path() / "status");
    for (std::string line; std::getline(status, line);)
      if (line.rfind("SigBlk:", 0) == 0 &&
          (std::stoull(line.substr(7), nullptr, 16) & (1ull << (SIGTERM - 1))) == 0)
        ++count;
  }
  return count;
}

TEST(OperatorObservabilityTest, OnlyTheWaitingThreadTakesSigtermEvenDuringStartUp) {
  // A SIGTERM that reaches any other thread ends the process by its default action, without
  // the clean stop: every thread must inherit the blocked mask, the main thread's sigwait
  // alone unblocks it (and shows it unblocked while it waits). cpprestsdk's pool used to be
  // made before the mask: a SIGTERM sent during start-up then ended the process with 143.
  std::string kubeconfig = slurp(KubeClusterEnvironment::cluster().kubeconfig());
  const std::string server = KubeClusterEnvironment::cluster().apiserver_url();
  kubeconfig.replace(kubeconfig.find(server), server.size(), "https://127.0.0.1:1");
  const fs::path file =
      fs::temp_directory_path() / ("retort-sigmask-" + std::to_string(::getpid()) + ".kubeconfig");
  std::ofstream(file) << kubeconfig;
  const int healthPort = freePort();
  const fs::path log = fs::temp_directory_path() / ("retort-sigmask-" + std::to_string(::getpid()));
  ControllerProcess controller(
      {"--kubeconfig", file.string(), "--metrics-bind-address", "0", "--health-probe-bind-address",
       "127.0.0.1:" + std::to_string(healthPort)},
      log);
  const std::string health = "http://127.0.0.1:" + std::to_string(healthPort);
  ASSERT_TRUE(eventually([&] { return httpGet(health + "/healthz") == "200"; }))
      << controller.log();
  EXPECT_LE(threadsTakingSigterm(controller.pid()), 1);
  EXPECT_EQ(controller.stop(), 0) << controller.log();
  fs::remove(file);
  fs::remove(log);
}

TEST(OperatorObservabilityTest, ALostLeaseEndsTheProcessWithExitCode1) {
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = make_namespace(*client, "sv-lease");
  const int metricsPort = freePort();
  const fs::path log = fs::temp_directory_path() / ("retort-lease-" + ns + ".log");
  ControllerProcess controller(
      {"--kubeconfig", KubeClusterEnvironment::cluster().kubeconfig().string(), "--namespace", ns,
       "--leader-elect", "--leader-election-namespace", ns, "--leader-election-id", "retort",
       "--metrics-bind-address", "127.0.0.1:" + std::to_string(metricsPort),
       "--health-probe-bind-address", "0"},
      log);
  const std::string metricsUrl = "http://127.0.0.1:" + std::to_string(metricsPort) + "/metrics";
  std::string scrape;
  ASSERT_TRUE(eventually([&] {
    return httpGet(metricsUrl, &scrape) == "200" &&
           !samples(scrape, "retort_leader_is_leader", {" 1"}).empty();
  })) << scrape
      << controller.log();
  json lease = client->get(kube::resources::leases(), ns, "retort");
  ASSERT_FALSE(lease["spec"].value("holderIdentity", "").empty());

  // Another candidate takes the Lease (as if this process had been partitioned away).
  ASSERT_TRUE(eventually([&] {
    try {
      json current = client->get(kube::resources::leases(), ns, "retort");
      current["spec"]["holderIdentity"] = "another-controller";
      current["spec"]["leaseDurationSeconds"] = 3600;
      client->update(kube::resources::leases(), ns, current);
      return true;
    } catch (const std::exception&) {
      return false;  // a renewal raced us: read again
    }
  }));
  std::optional<int> status;
  ASSERT_TRUE(eventually([&] { return (status = controller.exited()).has_value(); },
                         std::chrono::seconds(60)))
      << controller.log();
  EXPECT_EQ(*status, 1) << controller.log();
  EXPECT_NE(controller.log().find("lost the leader Lease"), std::string::npos) << controller.log();
  fs::remove(log);
}

TEST(OperatorObservabilityTest, AnUnknownLogFormatIsAUsageError) {
  const test::CliResult result = test::runRetort("controller --log-format xml");
  EXPECT_EQ(result.exitCode, 2);
  EXPECT_NE(result.err.find("xml"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace retort::testing
