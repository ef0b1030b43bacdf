#include "helm_operator.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "e2e_environment.hpp"
#include "postgres_server.hpp"

namespace retort::e2e {
namespace {

std::string shellQuoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string chartDirectory() {
  const char* override = std::getenv("RETORT_E2E_CHART");
  if (override != nullptr && *override != '\0') return override;
  return std::string(RETORT_SOURCE_DIR) + "/helm/retort";
}

constexpr const char* kOperatorSelector = "app.kubernetes.io/name=retort";

}  // namespace

int runHelm(const std::string& args, std::string* output) {
  const auto& cluster = *E2e::get().cluster;
  std::string text;
  const int status =
      testing::run_shell(shellQuoted((cluster.dir() / "helm").string()) + " --kubeconfig " +
                             shellQuoted(cluster.kubeconfig().string()) + " " + args + " 2>&1",
                         text);
  if (output != nullptr) *output = text;
  return status;
}

HelmOperator& HelmOperator::get() {
  static HelmOperator* instance = [] {
    auto* op = new HelmOperator();
    op->releaseNamespace = "retort-system";
    op->release = "retort";
    op->chart = chartDirectory();
    std::string output;
    // --wait: returns once the Deployment is available, i.e. its pod passed the readiness probe.
    const int status =
        runHelm("install " + op->release + " " + shellQuoted(op->chart) + " --namespace " +
                    op->releaseNamespace + " --create-namespace --wait --timeout 240s",
                &output);
    if (status != 0) {
      std::string pods;
      E2e::get().cluster->run_kubectl(
          {"-n", op->releaseNamespace, "describe", "pods", "-l", kOperatorSelector}, &pods);
      delete op;
      throw std::runtime_error("helm install failed (exit " + std::to_string(status) + "):\n" +
                               output + "\n" + pods);
    }
    return op;
  }();
  return *instance;
}

std::string HelmOperator::podName() const {
  std::string output;
  E2e::get().cluster->run_kubectl({"-n", releaseNamespace, "get", "pods", "-l", kOperatorSelector,
                                   "-o", "jsonpath={.items[0].metadata.name}"},
                                  &output);
  return trimmed(output);
}

std::string HelmOperator::metricsBaseUrl() const {
  std::string ip;
  std::string port;
  const auto& cluster = *E2e::get().cluster;
  cluster.run_kubectl({"-n", releaseNamespace, "get", "services", "-l", kOperatorSelector, "-o",
                       "jsonpath={.items[0].spec.clusterIP}"},
                      &ip);
  cluster.run_kubectl({"-n", releaseNamespace, "get", "services", "-l", kOperatorSelector, "-o",
                       "jsonpath={.items[0].spec.ports[0].port}"},
                      &port);
  return "http://" + trimmed(ip) + ":" + trimmed(port);
}

const HelmOperator::SweetShop& HelmOperator::sweetshop() {
  if (sweetshopCreated_) return sweetshop_;
  sweetshopCreated_ = true;
  auto& e2e = E2e::get();
  const auto db = e2e.createDatabase("helm_sweetshop");
  sweetshop_.databaseLocal = db.local;
  sweetshop_.ns = e2e.createNamespace("helm-sweetshop");
  const std::string& ns = sweetshop_.ns;

  // Backups go to a hostPath PersistentVolume under the cluster's directory (removed with it):
  // the node has no storage provisioner. The migration pod runs as 65532, and hostPath
  // volumes ignore fsGroup, hence the owner.
  const auto backups = e2e.cluster->dir() / ("backups-" + ns);
  std::filesystem::create_directories(backups);
  if (::chown(backups.c_str(), 65532, 65532) != 0) {
    throw std::runtime_error("chown 65532 " + backups.string() + " failed");
  }
  const std::string manifest = R"(apiVersion: v1
kind: Secret
metadata: {name: sweetshop-db, namespace: )" +
                               ns +
                               R"(}
stringData:
  uri: ")" + db.forPods + R"("
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: backups-)" + ns +
                               R"(}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: e2e-hostpath
  hostPath: {path: )" + backups.string() +
                               R"(, type: Directory}
  claimRef: {namespace: )" + ns +
                               R"(, name: sweetshop-backups}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: sweetshop-backups, namespace: )" +
                               ns +
                               R"(}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: e2e-hostpath
  resources: {requests: {storage: 1Gi}}
---
apiVersion: retort.dev/v1alpha1
kind: SchemaVersion
metadata: {name: sweetshop, namespace: )" +
                               ns +
                               R"(}
spec:
  targetRevision: head
  database: {secretRef: {name: sweetshop-db, key: uri}}
  migrations: {image: )" + e2e.retortImage +
                               R"(, path: /migrations}
  backup: {mode: Required, persistentVolumeClaim: {claimName: sweetshop-backups}, keep: 3}
  driftCheckInterval: 10s
)";
  std::string output;
  if (e2e.cluster->apply(manifest, &output) != 0) {
    sweetshop_.readyError = "kubectl apply failed: " + output;
    return sweetshop_;
  }
  if (e2e.cluster->run_kubectl(
          {"-n", ns, "wait", "--for=condition=Ready", "sv/sweetshop", "--timeout=240s"}, &output) !=
      0) {
    std::string status;
    e2e.cluster->run_kubectl({"-n", ns, "get", "sv", "sweetshop", "-o", "yaml"}, &status);
    std::string logs;
    e2e.cluster->run_kubectl({"-n", releaseNamespace, "logs", "-l", kOperatorSelector, "--tail=40"},
                             &logs);
    sweetshop_.readyError = output + "\n" + status + "\noperator log:\n" + logs;
  }
  return sweetshop_;
}

}  // namespace retort::e2e
