// The SchemaVersion reconciler: a thin shell over decide(). It reads the object, the Job of the
// current move and that Job's pods from the informers' caches, asks decide() what to do, and
// does it: creates the Job (AlreadyExists means another pass or leader created it: fine),
// deletes a transiently failed one, records Events (best effort) and writes status only when it
// differs from what the object already has. An object the controller cannot read is marked
// Stalled with the field path and not retried (TerminalError). It keeps each object on the
// DriftChecker's schedule and hands decide() the checker's latest read of the database; it
// tracks transient failures (TransientBackoff) so a failed move waits before its Job is
// recreated; it publishes the object's metrics and drops them when the object is deleted.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "kube/api_client.hpp"
#include "kube/event_recorder.hpp"
#include "kube/informer.hpp"
#include "operator/runtime/reconciler.hpp"
#include "operator/schema_version/drift_checker.hpp"
#include "operator/schema_version/gate.hpp"
#include "operator/schema_version/metrics.hpp"
#include "operator/schema_version/schema_version.hpp"
#include "operator/schema_version/transient_backoff.hpp"

namespace retort::op {

kube::Resource schemaVersionResource();

struct ReconcilerSources {
  std::shared_ptr<const kube::ApiClient> client;
  const kube::Informer* schemaVersions = nullptr;
  const kube::Informer* jobs = nullptr;
  const kube::Informer* pods = nullptr;
  kube::EventRecorder* events = nullptr;         // null: no Events
  std::function<std::string()> now;              // RFC 3339
  std::shared_ptr<SecretUrls> secrets;           // shared with the drift checker
  ControllerMetrics* metrics = nullptr;          // null: no metrics
  DriftChecker* drift = nullptr;                 // null: no drift checks
  TransientBackoff* transientBackoff = nullptr;  // null: always 30 s
  // For objects whose spec has no driftCheckInterval (the CRD defaults it to 5m).
  std::chrono::seconds defaultDriftCheckInterval{300};
};

class SchemaVersionReconciler final : public Reconciler {
 public:
  explicit SchemaVersionReconciler(ReconcilerSources sources);
  ReconcileResult reconcile(const std::string& key) override;

  // Counters for tests and metrics: API writes this reconciler made.
  std::uint64_t statusWrites() const { return statusWrites_.load(); }
  std::uint64_t jobCreateRequests() const { return jobCreateRequests_.load(); }
  std::uint64_t reconciles() const { return reconciles_.load(); }  // finished, any outcome

 private:
  void writeStatus(const nlohmann::json& object, const SchemaVersionStatus& status);
  PromotionSourceState readPromotionSource(const SchemaVersion& schemaVersion,
                                           const PromotionSource& source);
  void publishPlan(const nlohmann::json& configMap);
  ReconcilerSources sources_;
  std::atomic<std::uint64_t> statusWrites_{0};
  std::atomic<std::uint64_t> jobCreateRequests_{0};
  std::atomic<std::uint64_t> reconciles_{0};
};

}  // namespace retort::op
