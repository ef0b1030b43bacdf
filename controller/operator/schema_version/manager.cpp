#include "operator/schema_version/manager.hpp"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>

#include "kube/micro_time.hpp"
#include "operator/runtime/log_fields.hpp"
#include "operator/schema_version/cache_transforms.hpp"
#include "operator/schema_version/database_heads.hpp"
#include "operator/schema_version/job_builder.hpp"

namespace retort::op {
namespace {

std::string objectKey(const nlohmann::json& object) {
  const nlohmann::json& meta = object["metadata"];
  return meta.value("namespace", "") + "/" + meta.value("name", "");
}

std::string defaultIdentity() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + "_" + std::to_string(::getpid());
}

std::string rfc3339Now() {
  // micro_time_now() is RFC 3339 with microseconds; conditions take seconds precision.
  const std::string micro = kube::micro_time_now();
  const auto dot = micro.find('.');
  return dot == std::string::npos ? micro : micro.substr(0, dot) + "Z";
}

std::string secondsBetween(TimePoint from, TimePoint to) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", std::chrono::duration<double>(to - from).count());
  return text;
}

// One line per failed reconcile (successes are the normal case and stay quiet).
void logReconcile(const ReconcileObservation& observation) {
  if (observation.outcome != ReconcileOutcome::Error &&
      observation.outcome != ReconcileOutcome::TerminalError)
    return;
  engine::LogFields fields = keyLogFields(observation.key);
  fields.emplace_back("outcome", outcomeName(observation.outcome));
  fields.emplace_back("error", observation.error);
  engine::Log::error(kControllerLogger, "reconcile failed", fields);
}

}  // namespace

Manager::Manager(kube::ClientConfig config, ManagerOptions options)
    : config_(config),
      options_(std::move(options)),
      client_(std::make_shared<kube::ApiClient>(config)),
      clock_(std::make_shared<SteadyClock>()),
      queue_(clock_) {
  const std::string selector = std::string(kManagedByLabel) + "=" + kManagedByValue;
  // The caches hold only what the controller reads (cache_transforms.hpp): with 1,000
  // SchemaVersions the cached objects were most of the process's heap, and managedFields alone
  // more than half of each one (1.7 of 3.2 KB of JSON in the benchmark).
  const auto informerOptions = [&](kube::Resource resource, std::string labelSelector,
                                   std::function<void(nlohmann::json&)> transform) {
    kube::InformerOptions informer;
    informer.resource = std::move(resource);
    informer.ns = options_.watchNamespace;
    informer.label_selector = std::move(labelSelector);
    informer.transform = std::move(transform);
    // The informer parses one page at a time: smaller pages, a lower peak at startup (ten
    // requests for 1,000 objects instead of two).
    informer.page_size = 100;
    return informer;
  };
  schemaVersions_ = std::make_unique<kube::Informer>(
      client_, informerOptions(schemaVersionResource(), "", kube::strip_for_cache));
  jobs_ = std::make_unique<kube::Informer>(
      client_, informerOptions(kube::resources::jobs(), selector, trimJobForCache));
  pods_ = std::make_unique<kube::Informer>(
      client_, informerOptions(kube::resources::pods(), selector, trimPodForCache));
  events_ = std::make_unique<kube::EventRecorder>(
      client_, kube::EventRecorderOptions{
                   "retort.dev/schemaversion-controller",
                   options_.identity.empty() ? defaultIdentity() : options_.identity});
  metrics_ = std::make_unique<ControllerMetrics>();
  queue_.setObserver(metrics_.get());
  transientBackoff_ = std::make_unique<TransientBackoff>(clock_);
  secrets_ = std::make_shared<SecretUrls>(client_, clock_);
  drift_ = std::make_unique<DriftChecker>(DriftCheckerOptions{
      secrets_, schemaVersions_.get(),
      options_.readDatabaseHeads ? options_.readDatabaseHeads : readDatabaseHeads, clock_,
      [this](const std::string& key) { queue_.add(key); },
      [this](const std::string& key, DriftCheckResult result) {
        const engine::LogFields fields = keyLogFields(key);
        metrics_->recordDriftCheck(fields[0].second, fields[1].second, result);
      }});
  ReconcilerSources sources{client_,     schemaVersions_.get(), jobs_.get(),
                            pods_.get(), events_.get(),         rfc3339Now,
                            secrets_};
  sources.metrics = metrics_.get();
  sources.drift = drift_.get();
  sources.transientBackoff = transientBackoff_.get();
  sources.defaultDriftCheckInterval = options_.defaultDriftCheckInterval;
  reconciler_ = std::make_unique<SchemaVersionReconciler>(std::move(sources));

  schemaVersions_->add_handlers({[this](const nlohmann::json& o) { queue_.add(objectKey(o)); },
                                 [this](const nlohmann::json& old, const nlohmann::json& o) {
                                   // Status-only updates (our own writes) change no generation:
                                   // nothing new to decide unless the spec moved, which bumps the
                                   // generation.
                                   // The approval annotation is the one metadata change that
                                   // is news too.
                                   const auto approval = [](const nlohmann::json& object) {
                                     return object["metadata"]
                                         .value("annotations", nlohmann::json::object())
                                         .value(kApprovedPlanAnnotation, "");
                                   };
                                   if (old["metadata"].value("generation", 0) !=
                                           o["metadata"].value("generation", 0) ||
                                       approval(old) != approval(o) ||
                                       old["metadata"].value("resourceVersion", "") ==
                                           o["metadata"].value("resourceVersion", ""))
                                     queue_.add(objectKey(o));
                                 },
                                 [this](const nlohmann::json& o) { queue_.add(objectKey(o)); }});
  kube::EventHandlers owned{
      [this](const nlohmann::json& o) { enqueueOwner(o); },
      [this](const nlohmann::json&, const nlohmann::json& o) { enqueueOwner(o); },
      [this](const nlohmann::json& o) { enqueueOwner(o); }};
  jobs_->add_handlers(owned);
  pods_->add_handlers(owned);
}

Manager::~Manager() {
  stop();
}

void Manager::enqueueOwner(const nlohmann::json& object) {
  const nlohmann::json& meta = object["metadata"];
  const std::string ns = meta.value("namespace", "");
  const auto owners = meta.find("ownerReferences");
  if (owners == meta.end() || !owners->is_array()) return;
  for (const nlohmann::json& owner : *owners) {
    if (!owner.value("controller", false)) continue;
    if (owner.value("kind", "") == kKind) {
      queue_.add(ns + "/" + owner.value("name", ""));
    } else if (owner.value("kind", "") == "Job") {
      // A pod: its Job's owner is the SchemaVersion.
      if (const auto job = jobs_->get(ns + "/" + owner.value("name", ""))) enqueueOwner(*job);
    }
  }
}

void Manager::start() {
  // The endpoints first: a probe answers (readyz 503) while the caches fill.
  metricsEndpoint_ = std::make_unique<MetricsEndpoint>(
      options_.metricsBindAddress, [this](const MetricsSink& out) { metrics_->write(out); });
  healthEndpoint_ = std::make_unique<HealthEndpoint>(options_.healthProbeBindAddress,
                                                     [this] { return synced(); });
  started_ = clock_->now();
  schemaVersions_->start();
  jobs_->start();
  pods_->start();
  if (!options_.leaderElect) {
    // Not on the caller's thread: waiting for the caches must not keep it from handling SIGTERM
    // (an API server that never answers would otherwise make the process unstoppable).
    starter_ = std::thread([this] { startWorking(); });
    return;
  }
  kube::LeaderElectionConfig election;
  election.lease_namespace = options_.leaseNamespace;
  election.lease_name = options_.leaseName;
  election.identity = options_.identity.empty() ? defaultIdentity() : options_.identity;
  election.on_started_leading = [this] { startWorking(); };
  election.on_stopped_leading = [this] {
    stopWorking();
    if (!stopped_ && options_.onLeadershipLost) {
      engine::Log::error(kControllerLogger, "lost the leader Lease; stopping work",
                         {{"lease", options_.leaseNamespace + "/" + options_.leaseName}});
      options_.onLeadershipLost();
    }
  };
  elector_ = std::make_unique<kube::LeaderElector>(config_, election);
  elector_->start();
}

void Manager::startWorking() {
  std::lock_guard lock(workMutex_);
  if (working_ || stopped_) return;
  // Work on a cold cache would create Jobs the cache does not show yet.
  while (!stopped_ && !(schemaVersions_->wait_for_sync(std::chrono::seconds(1)) &&
                        jobs_->wait_for_sync(std::chrono::seconds(1)) &&
                        pods_->wait_for_sync(std::chrono::seconds(1)))) {
  }
  if (stopped_) return;
  // The first pass in two lines (lists, then reconciles), so that a slow start says which half.
  const std::vector<std::string> keys = schemaVersions_->keys();
  engine::Log::info(kControllerLogger, "caches synced",
                    {{"schemaVersions", std::to_string(keys.size())},
                     {"seconds", secondsBetween(started_, clock_->now())}});
  for (const std::string& key : keys) queue_.add(key);
  // The first lists were the peak: whole pages of parsed objects, copies handed to the handlers.
  // glibc keeps freed memory below an arena's top; give it back once, now that it is garbage.
  ::malloc_trim(0);
  workers_ = std::make_unique<Workers>(queue_, *reconciler_, *clock_,
                                       [this](const ReconcileObservation& observation) {
                                         metrics_->observeReconcile(observation);
                                         logReconcile(observation);
                                         noteFirstPass();
                                         if (options_.observer) options_.observer(observation);
                                       });
  workers_->start(options_.workers);
  drift_->start();
  working_ = true;
  metrics_->setLeader(true);
}

void Manager::noteFirstPass() {
  if (firstPassDone_.load()) return;
  const std::size_t reconciles = ++firstPassReconciles_;
  if (queue_.length() != 0 || firstPassDone_.exchange(true)) return;
  engine::Log::info(kControllerLogger, "first pass done",
                    {{"reconciles", std::to_string(reconciles)},
                     {"seconds", secondsBetween(started_, clock_->now())}});
}

void Manager::stopWorking() {
  std::lock_guard lock(workMutex_);
  // The queue cannot be restarted once shut down, so a lost lease ends this process's work;
  // the process exits and restarts as a fresh candidate (as controller-runtime does).
  if (workers_) workers_->stop();
  drift_->stop();
  working_ = false;
  metrics_->setLeader(false);
}

void Manager::stop() {
  if (stopped_.exchange(true)) return;
  if (elector_) elector_->stop();
  if (starter_.joinable()) starter_.join();  // it sees stopped_ within a second
  stopWorking();
  schemaVersions_->stop();
  jobs_->stop();
  pods_->stop();
  healthEndpoint_.reset();
  metricsEndpoint_.reset();
}

std::vector<int> Manager::metricsPorts() const {
  return metricsEndpoint_ ? metricsEndpoint_->ports() : std::vector<int>{};
}

std::vector<int> Manager::healthPorts() const {
  return healthEndpoint_ ? healthEndpoint_->ports() : std::vector<int>{};
}

bool Manager::synced() const {
  return schemaVersions_->has_synced() && jobs_->has_synced() && pods_->has_synced();
}

}  // namespace retort::op
