// Leader election on a coordination.k8s.io/v1 Lease, following client-go's leaderelection:
// candidates try every retry period (with jitter) to take a Lease whose holder has not renewed
// it for leaseDurationSeconds; the leader renews every retry period and steps down when it could
// not renew within the renew deadline. Expiry is judged by the *local* time at which this
// process last saw the Lease change, never by the renewTime another host wrote, so clock skew
// between nodes cannot elect two leaders. On stop() a leader releases the Lease (empty holder,
// 1 s duration) so that a successor need not wait out the full duration.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "kube/api.hpp"
#include "kube/client_config.hpp"
#include "kube/clock.hpp"

namespace retort::kube {

struct LeaderElectionConfig {
  std::string lease_namespace;
  std::string lease_name;
  std::string identity;  // unique per process, e.g. hostname + "_" + random suffix
  std::chrono::milliseconds lease_duration{15000};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
  bool release_on_stop = true;
  // Called on the elector's thread. on_stopped_leading runs when leadership is lost or given up;
  // work guarded by the lease must stop before it returns.
  std::function<void()> on_started_leading;
  std::function<void()> on_stopped_leading;
  std::function<void(const std::string& holder)> on_new_leader;
};

class LeaderElector {
 public:
  // Uses its own client whose request timeout fits inside the renew deadline.
  LeaderElector(ClientConfig client_config, LeaderElectionConfig config);
  // Uses the given client (its request timeout should fit inside the renew deadline) and clock;
  // unit tests pass a fake Api and a FakeClock. Lease expiry and the renew deadline are judged
  // on the clock; the waits between attempts (retry period, with jitter) are real time.
  LeaderElector(std::shared_ptr<const Api> client, LeaderElectionConfig config,
                std::shared_ptr<const Clock> clock = steady_clock());
  ~LeaderElector();
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  void start();
  // Stops campaigning; a leader releases the Lease first. Idempotent.
  void stop();

  bool is_leader() const;
  std::string observed_holder() const;

 private:
  void run();
  bool try_acquire_or_renew();
  void release();
  bool sleep_unless_stopped(std::chrono::milliseconds delay);
  nlohmann::json lease_spec(const nlohmann::json& previous_spec, bool was_holder) const;
  void observe(const nlohmann::json& lease);

  std::shared_ptr<const Api> client_;
  std::shared_ptr<const Clock> clock_;
  LeaderElectionConfig config_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool leader_ = false;
  nlohmann::json observed_lease_;  // last Lease object seen (or written)
  nlohmann::json observed_spec_;
  TimePoint observed_time_{};
  std::string reported_holder_;
  std::thread thread_;
};

}  // namespace retort::kube
