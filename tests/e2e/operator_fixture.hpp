// What the operator's end-to-end tests share (issue 11): the operator's API installed once per
// test binary (the SchemaVersion CRD from crds/, the RBAC of manifests/base/rbac.yaml and a
// kubeconfig for its ServiceAccount, so the operator runs with exactly the permissions it ships
// with), the operator as a process of its own (`retort controller`, started with its own pid,
// stopped or killed by that pid), and per-test scaffolding: a namespace, a database on the test
// PostgreSQL with its Secret, and a backup volume (a hostPath PersistentVolume pre-bound to a
// claim) whose files the test reads from the host side. Waits are bounded and poll a condition.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "e2e_environment.hpp"

namespace retort::e2e {

// Installs the CRD and RBAC (once per process) and returns the path of a kubeconfig that
// authenticates as the controller's ServiceAccount (a token in a file next to it, mode 0600).
const std::filesystem::path& operatorKubeconfig();

// `retort controller` as a child process. The log (stderr and stdout) goes to a file.
class OperatorProcess {
 public:
  // Starts `retort controller --kubeconfig <SA kubeconfig> --namespace <ns> <extraArgs...>`.
  OperatorProcess(const std::string& ns, const std::vector<std::string>& extraArgs = {});
  ~OperatorProcess();  // SIGTERM, then SIGKILL if it has not exited within 20 s
  OperatorProcess(const OperatorProcess&) = delete;
  OperatorProcess& operator=(const OperatorProcess&) = delete;

  pid_t pid() const { return pid_; }
  // SIGKILL and reap: the process gets no chance to clean up (no Lease release).
  void kill();
  // SIGTERM and reap (bounded); returns the exit status or -1.
  int terminate();
  bool running();
  std::string log() const;
  // The metrics and health addresses given to this process (127.0.0.1:<free port>).
  const std::string& metricsAddress() const { return metricsAddress_; }
  const std::string& healthAddress() const { return healthAddress_; }

 private:
  pid_t pid_ = -1;
  std::filesystem::path logFile_;
  std::string metricsAddress_;
  std::string healthAddress_;
};

// One test's world: namespace, database (+ Secret "sweetshop-db"), backup volume (claim
// "backups", a host directory owned by uid 65532). The host directory is removed on destruction.
struct OperatorWorld {
  explicit OperatorWorld(const std::string& hint);
  ~OperatorWorld();
  OperatorWorld(const OperatorWorld&) = delete;
  OperatorWorld& operator=(const OperatorWorld&) = delete;

  std::string ns;
  E2e::Database db;
  std::filesystem::path backupDir;  // host side of the claim "backups"
  std::string persistentVolume;
};

// A SweetShop SchemaVersion in the Retort image (scripts at /migrations), backups Required on
// claim "backups", drift checked every 10 s. `extraSpec` is YAML appended under spec (indent 2);
// `migrations` replaces the fields under spec.migrations other than the image (indent 4).
std::string sweetshopSchemaVersion(const std::string& ns, const std::string& name,
                                   const std::string& target, const std::string& extraSpec = "",
                                   const std::string& migrations = "    path: /migrations\n");

// `kubectl wait --for=condition=<type>[=<value>] sv/<name>`; returns kubectl's exit code and
// output in *output.
int kubectlWait(const std::string& ns, const std::string& name, const std::string& condition,
                int seconds, std::string* output = nullptr);
// status.conditions[type] as "Status/Reason: message", "" when absent.
std::string svCondition(const std::string& ns, const std::string& name, const std::string& type);
// Waits (bounded) until the condition has `status` for the SchemaVersion's current generation.
bool waitForSvCondition(const std::string& ns, const std::string& name, const std::string& type,
                        const std::string& status, int seconds);
// Applies a SchemaVersion manifest and waits (bounded) until SchemaVersion `name` is Ready;
// failures are gtest failures with the SchemaVersion, its Jobs and pods and the operator's log.
void applyAndWaitReady(const OperatorProcess& op, const std::string& ns, const std::string& name,
                       const std::string& manifest, int seconds);
// `kubectl patch schemaversion --type=merge`; a failure is a gtest failure. Returns kubectl's
// exit code.
int patchSpec(const std::string& ns, const std::string& name, const std::string& mergePatch);
// Moves a Ready SchemaVersion's target back to `target` with no downgrade policy, then checks
// the refusal: Stalled=True/DowngradeNotAllowed, Ready=False, and the database's schema still
// `schemaBefore` (a schemaSnapshot taken before). Call under ASSERT_NO_FATAL_FAILURE.
void expectDowngradeRefused(const OperatorWorld& world, const OperatorProcess& op,
                            const std::string& name, const std::string& target,
                            const std::string& schemaBefore);
// A human-readable dump for failure messages: the SchemaVersion's status, Jobs and pods.
std::string describeSv(const std::string& ns, const std::string& name);
// The Jobs in a namespace, as "name uid" lines.
std::vector<std::string> jobsIn(const std::string& ns);

// `pg_dump --schema-only` plus the version table's rows: what "untouched" compares. Without
// bookkeeping, the version and history tables (and the history's sequence) are left out (a failed
// step is recorded in the history table, which the run creates first).
std::string schemaSnapshot(const std::string& uri, bool withBookkeeping = true);

// GET http://<address><path>; returns the HTTP body, or "" with *status = -1 on failure.
std::string httpGet(const std::string& address, const std::string& path, int* status = nullptr);
// The value of the first sample of `metric` whose labels contain every `labels` item
// ("key=\"value\""), or NaN when no sample matches.
double metricValue(const std::string& exposition, const std::string& metric,
                   const std::vector<std::string>& labels = {});

}  // namespace retort::e2e

namespace retort::e2e {

// Stops the test PostgreSQL (fast shutdown) and starts it again with the options it ran with
// (its postmaster.opts), as its owner: the database "goes away" for the pods and comes back.
class StoppedPostgres {
 public:
  StoppedPostgres();   // stops the server; throws if that fails
  ~StoppedPostgres();  // starts it again if start() was not called
  StoppedPostgres(const StoppedPostgres&) = delete;
  StoppedPostgres& operator=(const StoppedPostgres&) = delete;
  // Starts the server and waits until it accepts connections; returns pg_ctl's output on failure.
  bool start(std::string* output = nullptr);

 private:
  std::string dataDir_;
  std::string binDir_;
  std::string options_;
  bool stopped_ = false;
};

}  // namespace retort::e2e
