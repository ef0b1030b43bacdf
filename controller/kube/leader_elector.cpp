#include "kube/leader_elector.hpp"

#include <random>

#include "kube/api_client.hpp"
#include "kube/api_error.hpp"
#include "kube/lease_decision.hpp"
#include "kube/log_sink.hpp"
#include "kube/micro_time.hpp"
#include "kube/resource.hpp"

namespace retort::kube {
namespace {

ClientConfig with_short_timeout(ClientConfig config, std::chrono::milliseconds renew_deadline) {
  // A renewal that hangs longer than the deadline is useless; fail it and retry.
  const auto limit = std::chrono::duration_cast<std::chrono::seconds>(renew_deadline / 2);
  config.request_timeout =
      std::max(std::chrono::seconds(1), std::min(config.request_timeout, limit));
  return config;
}

}  // namespace

LeaderElector::LeaderElector(ClientConfig client_config, LeaderElectionConfig config)
    : LeaderElector(std::make_shared<ApiClient>(
                        with_short_timeout(std::move(client_config), config.renew_deadline)),
                    config) {}  // a copy: argument order is unspecified, renew_deadline is read

LeaderElector::LeaderElector(std::shared_ptr<const Api> client, LeaderElectionConfig config,
                             std::shared_ptr<const Clock> clock)
    : client_(std::move(client)), clock_(std::move(clock)), config_(std::move(config)) {
  if (config_.identity.empty() || config_.lease_name.empty() || config_.lease_namespace.empty()) {
    throw std::invalid_argument("leader election needs a namespace, a lease name and an identity");
  }
  if (config_.lease_duration <= config_.renew_deadline ||
      config_.renew_deadline * 10 <= config_.retry_period * 12) {
    throw std::invalid_argument(
        "leader election needs leaseDuration > renewDeadline > 1.2 * retryPeriod");
  }
}

LeaderElector::~LeaderElector() {
  stop();
}

void LeaderElector::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void LeaderElector::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool LeaderElector::is_leader() const {
  std::lock_guard lock(mutex_);
  return leader_;
}

std::string LeaderElector::observed_holder() const {
  std::lock_guard lock(mutex_);
  return observed_spec_.value("holderIdentity", "");
}

bool LeaderElector::sleep_unless_stopped(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !cv_.wait_for(lock, delay, [this] { return stopping_; });
}

void LeaderElector::observe(const nlohmann::json& lease) {
  nlohmann::json spec = lease.value("spec", nlohmann::json::object());
  std::string holder;
  {
    std::lock_guard lock(mutex_);
    observed_lease_ = lease;
    if (spec != observed_spec_) {
      observed_spec_ = spec;
      observed_time_ = clock_->now();
    }
    holder = spec.value("holderIdentity", "");
    if (holder == reported_holder_) return;
    reported_holder_ = holder;
  }
  if (config_.on_new_leader && !holder.empty()) config_.on_new_leader(holder);
}

nlohmann::json LeaderElector::lease_spec(const nlohmann::json& previous, bool was_holder) const {
  const std::string now = micro_time_now();
  nlohmann::json spec = previous.is_object() ? previous : nlohmann::json::object();
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(config_.lease_duration).count();
  spec["holderIdentity"] = config_.identity;
  spec["leaseDurationSeconds"] = seconds;
  spec["renewTime"] = now;
  if (!was_holder) {
    spec["acquireTime"] = now;
    spec["leaseTransitions"] = previous.is_object() && previous.contains("leaseTransitions")
                                   ? previous["leaseTransitions"].get<int>() + 1
                                   : 0;
  }
  return spec;
}

bool LeaderElector::try_acquire_or_renew() {
  const Resource leases = resources::leases();
  const auto& ns = config_.lease_namespace;
  try {
    // Fast path: a leader renews from the Lease it wrote last, without a GET.
    nlohmann::json cached;
    bool cached_valid = false;
    {
      std::lock_guard lock(mutex_);
      cached = observed_lease_;
      cached_valid = leader_ && observed_spec_.value("holderIdentity", "") == config_.identity;
    }
    if (cached_valid && cached.is_object()) {
      try {
        cached["spec"] = lease_spec(cached["spec"], true);
        observe(client_->update(leases, ns, cached));
        return true;
      } catch (const ApiError&) {
        // Fall through to the slow path, which re-reads the Lease.
      }
    }

    nlohmann::json lease;
    try {
      lease = client_->get(leases, ns, config_.lease_name);
    } catch (const ApiError& e) {
      if (!e.is_not_found()) throw;
      nlohmann::json fresh = {{"apiVersion", "coordination.k8s.io/v1"},
                              {"kind", "Lease"},
                              {"metadata", {{"name", config_.lease_name}, {"namespace", ns}}},
                              {"spec", lease_spec(nullptr, false)}};
      try {
        observe(client_->create(leases, ns, fresh));
        return true;
      } catch (const ApiError& create_error) {
        if (create_error.code() == 409) return false;  // another candidate created it first
        throw;
      }
    }
    observe(lease);

    const nlohmann::json spec = lease.value("spec", nlohmann::json::object());
    const std::string holder = spec.value("holderIdentity", "");
    const auto duration = std::chrono::seconds(spec.value("leaseDurationSeconds", 0));
    TimePoint observed_at;
    {
      std::lock_guard lock(mutex_);
      observed_at = observed_time_;
    }
    const LeaseDecision decision =
        decide_lease(holder, config_.identity, duration, observed_at, clock_->now());
    if (decision == LeaseDecision::Wait) return false;
    lease["spec"] = lease_spec(spec, decision == LeaseDecision::Renew);
    try {
      observe(client_->update(leases, ns, lease));
      return true;
    } catch (const ApiError& e) {
      if (e.is_conflict()) return false;  // someone else wrote it first
      throw;
    }
  } catch (const Cancelled&) {
    return false;
  } catch (const std::exception& e) {
    log(LogLevel::Warning, "leader election " + ns + "/" + config_.lease_name + ": " + e.what());
    return false;
  }
}

void LeaderElector::release() {
  const Resource leases = resources::leases();
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      nlohmann::json lease = client_->get(leases, config_.lease_namespace, config_.lease_name);
      nlohmann::json& spec = lease["spec"];
      if (spec.value("holderIdentity", "") != config_.identity) return;
      const std::string now = micro_time_now();
      spec["holderIdentity"] = "";
      spec["leaseDurationSeconds"] = 1;
      spec["renewTime"] = now;
      spec["acquireTime"] = now;
      client_->update(leases, config_.lease_namespace, lease);
      return;
    } catch (const ApiError& e) {
      if (e.is_conflict()) continue;
      log(LogLevel::Warning, std::string("releasing lease: ") + e.what());
      return;
    } catch (const std::exception& e) {
      log(LogLevel::Warning, std::string("releasing lease: ") + e.what());
      return;
    }
  }
}

void LeaderElector::run() {
  std::mt19937 random{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(1.0, 2.2);  // client-go's JitterFactor 1.2
  auto stopping = [this] {
    std::lock_guard lock(mutex_);
    return stopping_;
  };
  while (!stopping()) {
    // Campaign.
    while (!try_acquire_or_renew()) {
      const auto delay = std::chrono::milliseconds(static_cast<long long>(
          static_cast<double>(config_.retry_period.count()) * jitter(random)));
      if (!sleep_unless_stopped(delay)) return;
    }
    {
      std::lock_guard lock(mutex_);
      leader_ = true;
    }
    if (config_.on_started_leading) config_.on_started_leading();

    // Lead: renew every retry period; give up when renewals failed for the renew deadline.
    TimePoint last_renewal = clock_->now();
    bool stop_requested = false;
    for (;;) {
      if (!sleep_unless_stopped(config_.retry_period)) {
        stop_requested = true;
        break;
      }
      if (try_acquire_or_renew()) {
        last_renewal = clock_->now();
      } else if (leadership_lost(last_renewal, clock_->now(), config_.renew_deadline)) {
        log(LogLevel::Warning, "leader election lost: lease " + config_.lease_namespace + "/" +
                                   config_.lease_name + " not renewed within the deadline");
        break;
      }
    }
    {
      std::lock_guard lock(mutex_);
      leader_ = false;
    }
    // Guarded work stops first; only then may a successor be let in early.
    if (config_.on_stopped_leading) config_.on_stopped_leading();
    if (stop_requested) {
      if (config_.release_on_stop) release();
      return;
    }
  }
}

}  // namespace retort::kube
