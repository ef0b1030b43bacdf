// Runs the SchemaVersion controller: owns the API client, the informers (SchemaVersions; the
// Jobs and pods the controller labels as its own), the event recorder, the work queue and the
// workers, and optionally a leader election on a Lease. Informer notifications only enqueue
// keys ("namespace/name" of the SchemaVersion; a Job or pod maps to its owner). Workers start
// after the caches synced and, with leader election, only while this process leads; losing the
// lease stops them for good and calls onLeadershipLost (the CLI exits, to restart as a fresh
// candidate). It also owns the metrics (served on /metrics), the probes (/healthz; /readyz
// once the caches synced), the drift checker (runs while working) and the transient backoff.
// The first pass is logged in two lines, "caches synced" and "first pass done" (when the work
// queue first drains), each with the seconds since start().
// stop() (on SIGTERM) stops work, releases the lease and joins everything.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "kube/api_client.hpp"
#include "kube/event_recorder.hpp"
#include "kube/informer.hpp"
#include "kube/leader_elector.hpp"
#include "operator/runtime/http_endpoints.hpp"
#include "operator/runtime/work_queue.hpp"
#include "operator/runtime/worker.hpp"
#include "operator/schema_version/drift_checker.hpp"
#include "operator/schema_version/metrics.hpp"
#include "operator/schema_version/schema_version_reconciler.hpp"

namespace retort::op {

struct ManagerOptions {
  std::string watchNamespace;  // empty: all namespaces
  bool leaderElect = false;
  std::string leaseNamespace = "retort-system";
  std::string leaseName = "retort-controller";
  std::string identity;  // default: hostname + pid
  int workers = 2;
  ReconcileObserver observer;  // also sees every reconcile's outcome (failures are logged)
  std::string metricsBindAddress = "127.0.0.1:8080";      // "0": no endpoint
  std::string healthProbeBindAddress = "127.0.0.1:8081";  // "0": no endpoint
  std::chrono::seconds defaultDriftCheckInterval{300};    // when a spec has none
  // Reads a database's heads for the drift check; default readDatabaseHeads.
  std::function<std::vector<std::string>(const std::string& url)> readDatabaseHeads;
  // Called (on the elector's thread) when the Lease is lost while running, not on stop().
  std::function<void()> onLeadershipLost;
};

class Manager {
 public:
  Manager(kube::ClientConfig config, ManagerOptions options);
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Starts informers and (after sync and, if electing, once leading) the workers.
  void start();
  void stop();
  bool synced() const;  // readiness
  std::vector<int> metricsPorts() const;
  std::vector<int> healthPorts() const;
  const ControllerMetrics& metrics() const { return *metrics_; }
  bool working() const { return working_.load(); }
  const SchemaVersionReconciler& reconciler() const { return *reconciler_; }
  const WorkQueue& queue() const { return queue_; }

 private:
  void enqueueOwner(const nlohmann::json& object);
  void startWorking();
  void stopWorking();
  void noteFirstPass();  // after each reconcile: logs once when the queue first drains

  kube::ClientConfig config_;
  ManagerOptions options_;
  std::shared_ptr<const kube::ApiClient> client_;
  std::shared_ptr<const Clock> clock_;
  WorkQueue queue_;
  std::unique_ptr<kube::Informer> schemaVersions_;
  std::unique_ptr<kube::Informer> jobs_;
  std::unique_ptr<kube::Informer> pods_;
  std::unique_ptr<kube::EventRecorder> events_;
  std::unique_ptr<ControllerMetrics> metrics_;
  std::unique_ptr<TransientBackoff> transientBackoff_;
  std::shared_ptr<SecretUrls> secrets_;
  std::unique_ptr<DriftChecker> drift_;
  std::unique_ptr<MetricsEndpoint> metricsEndpoint_;
  std::unique_ptr<HealthEndpoint> healthEndpoint_;
  std::unique_ptr<SchemaVersionReconciler> reconciler_;
  std::unique_ptr<Workers> workers_;
  std::unique_ptr<kube::LeaderElector> elector_;
  std::thread starter_;  // without leader election: waits for the caches, then starts work
  std::mutex workMutex_;
  std::atomic<bool> working_{false};
  std::atomic<bool> stopped_{false};
  TimePoint started_;  // start(): "caches synced" and "first pass done" count from here
  std::atomic<std::size_t> firstPassReconciles_{0};
  std::atomic<bool> firstPassDone_{false};
};

}  // namespace retort::op
