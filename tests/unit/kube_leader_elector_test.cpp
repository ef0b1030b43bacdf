// The leader elector's thread on a fake Api and a FakeClock: it acquires a free lease and
// renews it, waits while another holder's lease runs by its own observation (and longer when
// that holder keeps renewing), takes an expired lease over, steps down when renewals fail for
// the renew deadline, and releases the lease on stop. Expiry and deadlines are moved by the
// fake clock; only the short retry period is real time.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "kube/api_error.hpp"
#include "kube/leader_elector.hpp"
#include "kube/micro_time.hpp"
#include "kube/resource.hpp"
#include "kube_eventually.hpp"
#include "kube_fake_api.hpp"

namespace retort::kube {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::eventually;
using testing::FakeApi;

json lease_held_by(const std::string& holder, int transitions = 3) {
  return {{"apiVersion", "coordination.k8s.io/v1"},
          {"kind", "Lease"},
          {"metadata", {{"name", "leader"}, {"namespace", "ops"}}},
          {"spec",
           {{"holderIdentity", holder},
            {"leaseDurationSeconds", 15},
            {"renewTime", micro_time_now()},
            {"acquireTime", micro_time_now()},
            {"leaseTransitions", transitions}}}};
}

class LeaderElectorUnitTest : public ::testing::Test {
 protected:
  LeaderElectionConfig config() {
    LeaderElectionConfig c;
    c.lease_namespace = "ops";
    c.lease_name = "leader";
    c.identity = "me";
    c.lease_duration = seconds(15);
    c.renew_deadline = seconds(10);
    c.retry_period = milliseconds(10);  // real time between attempts; the rest is on the clock
    c.on_started_leading = [this] { ++started; };
    c.on_stopped_leading = [this] { ++stopped; };
    c.on_new_leader = [this](const std::string& holder) {
      std::lock_guard lock(mutex);
      leaders.push_back(holder);
    };
    return c;
  }
  json lease() const { return fake->find(resources::leases(), "ops", "leader").value_or(json()); }
  std::string holder() const { return lease()["spec"].value("holderIdentity", ""); }
  // Waits for `n` more requests of `verb`: the elector has looked again since the call.
  bool attempts(const std::string& verb, std::size_t n) {
    const std::size_t from = fake->count(verb);
    return eventually([&] { return fake->count(verb) >= from + n; });
  }

  std::shared_ptr<FakeApi> fake = std::make_shared<FakeApi>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  std::atomic<int> started{0};
  std::atomic<int> stopped{0};
  std::mutex mutex;
  std::vector<std::string> leaders;
};

TEST_F(LeaderElectorUnitTest, CreatesAMissingLeaseLeadsAndRenews) {
  LeaderElector elector(fake, config(), clock);
  elector.start();
  ASSERT_TRUE(eventually([&] { return elector.is_leader(); }));
  EXPECT_EQ(started, 1);
  EXPECT_EQ(holder(), "me");
  EXPECT_EQ(lease()["spec"]["leaseTransitions"], 0);
  EXPECT_EQ(lease()["spec"]["leaseDurationSeconds"], 15);
  const std::string first_version = resource_version(lease());
  ASSERT_TRUE(attempts("update", 3)) << "a leader renews every retry period";
  EXPECT_NE(resource_version(lease()), first_version);
  EXPECT_EQ(holder(), "me");
  EXPECT_EQ(lease()["spec"]["leaseTransitions"], 0) << "a renewal is not a transition";
  EXPECT_EQ(stopped, 0);
  elector.stop();
}

TEST_F(LeaderElectorUnitTest, WaitsOutAnotherHoldersLeaseThenTakesItOver) {
  fake->put(resources::leases(), "ops", lease_held_by("other"));
  LeaderElector elector(fake, config(), clock);
  elector.start();
  ASSERT_TRUE(attempts("get", 3));
  EXPECT_FALSE(elector.is_leader());
  EXPECT_EQ(elector.observed_holder(), "other");

  clock->advance(seconds(14));  // not yet expired, counted from when we first saw it
  ASSERT_TRUE(attempts("get", 3));
  EXPECT_FALSE(elector.is_leader());
  EXPECT_EQ(holder(), "other");

  clock->advance(seconds(2));
  ASSERT_TRUE(eventually([&] { return elector.is_leader(); }));
  EXPECT_EQ(holder(), "me");
  EXPECT_EQ(lease()["spec"]["leaseTransitions"], 4);
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(leaders, (std::vector<std::string>{"other", "me"}));
  }
  elector.stop();
}

TEST_F(LeaderElectorUnitTest, AHolderThatKeepsRenewingIsNeverTakenOver) {
  fake->put(resources::leases(), "ops", lease_held_by("other"));
  LeaderElector elector(fake, config(), clock);
  elector.start();
  ASSERT_TRUE(attempts("get", 2));
  for (int i = 0; i < 4; ++i) {
    clock->advance(seconds(10));
    // The holder renews: the spec changes, and expiry counts again from our seeing that.
    json renewed = lease();
    renewed["spec"]["renewTime"] =
        format_micro_time(std::chrono::system_clock::now() + seconds(10 * (i + 1)));
    fake->put(resources::leases(), "ops", renewed);
    ASSERT_TRUE(attempts("get", 2));
    EXPECT_FALSE(elector.is_leader()) << "after " << 10 * (i + 1) << " s";
  }
  EXPECT_EQ(holder(), "other");
  EXPECT_EQ(started, 0);
  elector.stop();
}

TEST_F(LeaderElectorUnitTest, StepsDownWhenRenewalsFailForTheRenewDeadline) {
  LeaderElector elector(fake, config(), clock);
  elector.start();
  ASSERT_TRUE(eventually([&] { return elector.is_leader(); }));

  // A leader renews from the Lease it wrote (an update, no get); every attempt fails now.
  fake->fail_always(std::make_exception_ptr(TransportError("connection refused")));
  ASSERT_TRUE(attempts("update", 3));
  EXPECT_TRUE(elector.is_leader()) << "failed renewals within the deadline keep the lead";
  clock->advance(seconds(9));
  ASSERT_TRUE(attempts("update", 3));
  EXPECT_TRUE(elector.is_leader());
  EXPECT_EQ(stopped, 0);

  clock->advance(seconds(1));
  ASSERT_TRUE(eventually([&] { return !elector.is_leader(); }));
  ASSERT_TRUE(eventually([&] { return stopped == 1; }));
  elector.stop();
}

TEST_F(LeaderElectorUnitTest, TakesAReleasedLeaseAtOnce) {
  fake->put(resources::leases(), "ops", lease_held_by(""));  // what a leader's stop() leaves
  LeaderElector elector(fake, config(), clock);
  elector.start();
  ASSERT_TRUE(eventually([&] { return elector.is_leader(); }));  // the clock never moved
  EXPECT_EQ(holder(), "me");
  EXPECT_EQ(lease()["spec"]["leaseTransitions"], 4);
  elector.stop();
}

TEST_F(LeaderElectorUnitTest, ReleasesTheLeaseOnStop) {
  LeaderElector elector(fake, config(), clock);
  elector.start();
  ASSERT_TRUE(eventually([&] { return elector.is_leader(); }));
  elector.stop();
  EXPECT_FALSE(elector.is_leader());
  EXPECT_EQ(stopped, 1);
  EXPECT_EQ(holder(), "") << "a successor need not wait out the lease";
  EXPECT_EQ(lease()["spec"]["leaseDurationSeconds"], 1);
}

}  // namespace
}  // namespace retort::kube
