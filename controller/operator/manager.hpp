// Runs the SchemaVersion controller: owns the API client, the informers (SchemaVersions; the
// Jobs and pods the controller labels as its own), the event recorder, the work queue and the
// workers, and optionally a leader election on a Lease. Informer notifications only enqueue
// keys ("namespace/name" of the SchemaVersion; a Job or pod maps to its owner). Workers start
// after the caches synced and, with leader election, only while this process leads; losing the
// lease stops them. stop() (on SIGTERM) stops work, releases the lease and joins everything.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "kube/api_client.hpp"
#include "kube/event_recorder.hpp"
#include "kube/informer.hpp"
#include "kube/leader_elector.hpp"
#include "operator/schema_version_reconciler.hpp"
#include "operator/work_queue.hpp"
#include "operator/worker.hpp"

namespace retort::op {

struct ManagerOptions {
  std::string watchNamespace;  // empty: all namespaces
  bool leaderElect = false;
  std::string leaseNamespace = "retort-system";
  std::string leaseName = "retort-controller";
  std::string identity;  // default: hostname + pid
  int workers = 2;
  ReconcileObserver observer;  // sees every reconcile's outcome (logs)
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
  bool working() const { return working_.load(); }
  const SchemaVersionReconciler& reconciler() const { return *reconciler_; }
  const WorkQueue& queue() const { return queue_; }

 private:
  void enqueueOwner(const nlohmann::json& object);
  void startWorking();
  void stopWorking();

  kube::ClientConfig config_;
  ManagerOptions options_;
  std::shared_ptr<const kube::ApiClient> client_;
  std::shared_ptr<const Clock> clock_;
  WorkQueue queue_;
  std::unique_ptr<kube::Informer> schemaVersions_;
  std::unique_ptr<kube::Informer> jobs_;
  std::unique_ptr<kube::Informer> pods_;
  std::unique_ptr<kube::EventRecorder> events_;
  std::unique_ptr<SchemaVersionReconciler> reconciler_;
  std::unique_ptr<Workers> workers_;
  std::unique_ptr<kube::LeaderElector> elector_;
  std::mutex workMutex_;
  std::atomic<bool> working_{false};
  std::atomic<bool> stopped_{false};
};

}  // namespace retort::op
