// The drift checker on its own thread, against a fake Api and an informer over it, with an
// injected reader of the version table: what each check observes, that an in-sync check is
// counted but never handed to the reconciler, that the URL never shows, and that a result taken
// after the object's recorded state moved is dropped. It runs in the ThreadSanitizer pass
// (scripts/test.sh), with the reconciler's calls made from other threads while checks run.
#include <cpprest/asyncrt_utils.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kube/informer.hpp"
#include "kube_eventually.hpp"
#include "kube_fake_api.hpp"
#include "operator/schema_version/drift_checker.hpp"
#include "operator/schema_version/schema_version.hpp"

namespace retort::op {
namespace {

using kube::testing::eventually;
using kube::testing::FakeApi;
using nlohmann::json;

const kube::Resource kSchemaVersions{"retort.dev", "v1alpha1", "schemaversions", true};
const char* const kPassword = "s3cr3t-pw";

std::string base64(const std::string& text) {
  return utility::conversions::to_base64(std::vector<unsigned char>(text.begin(), text.end()));
}

json secret(const std::string& name, const std::string& url) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", name}}},
          {"data", {{"uri", base64(url)}}}};
}

json schemaVersion(const std::string& name, const std::string& secretName) {
  return {{"apiVersion", "retort.dev/v1alpha1"},
          {"kind", "SchemaVersion"},
          {"metadata", {{"name", name}, {"namespace", "shop"}, {"generation", 1}}},
          {"spec",
           {{"targetRevision", "head"},
            {"database", {{"secretRef", {{"name", secretName}, {"key", "uri"}}}}},
            {"migrations", {{"image", "localhost/retort-sweetshop:0.2.0"}}},
            {"backup", {{"mode", "Disabled"}}}}},
          {"status", {{"currentRevisions", {"a1"}}}}};
}

std::string url(const std::string& database) {
  return std::string("postgresql://app:") + kPassword + "@db.shop/" + database;
}

// An informer over the fake's SchemaVersions in "shop", synced; null if it did not sync.
std::unique_ptr<kube::Informer> syncedInformer(const std::shared_ptr<FakeApi>& fake) {
  kube::InformerOptions options;
  options.resource = kSchemaVersions;
  options.ns = "shop";
  auto informer = std::make_unique<kube::Informer>(fake, options);
  informer->start();
  if (informer->wait_for_sync(std::chrono::seconds(30))) return informer;
  informer->stop();
  return nullptr;
}

class DriftCheckerThreadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake->put(kube::resources::secrets(), "shop", secret("db-in-sync", url("in_sync")));
    fake->put(kube::resources::secrets(), "shop", secret("db-moved", url("moved")));
    fake->put(kube::resources::secrets(), "shop", secret("db-down", url("down")));
    for (const auto& [name, secretName] :
         std::vector<std::pair<std::string, std::string>>{{"in-sync", "db-in-sync"},
                                                          {"moved", "db-moved"},
                                                          {"down", "db-down"},
                                                          {"no-secret", "db-missing"}})
      fake->put(kSchemaVersions, "shop", schemaVersion(name, secretName));
    informer = syncedInformer(fake);
    ASSERT_TRUE(informer);

    DriftCheckerOptions drift;
    drift.schemaVersions = informer.get();
    drift.readHeads = [](const std::string& databaseUrl) -> std::vector<std::string> {
      if (databaseUrl == url("in_sync")) return {"a1"};
      if (databaseUrl == url("moved")) return {"b2"};
      throw std::runtime_error("could not connect to " + databaseUrl);
    };
    drift.clock = std::make_shared<SteadyClock>();
    drift.secrets = std::make_shared<SecretUrls>(fake, drift.clock);
    drift.enqueue = [this](const std::string& key) {
      std::lock_guard lock(mutex);
      woken.insert(key);
    };
    drift.count = [this](const std::string& key, DriftCheckResult result) {
      std::lock_guard lock(mutex);
      counted[key].insert(result);
    };
    checker = std::make_unique<DriftChecker>(std::move(drift));
  }

  void TearDown() override {
    if (checker) checker->stop();
    if (informer) informer->stop();
  }

  bool wokenFor(const std::set<std::string>& keys) {
    std::lock_guard lock(mutex);
    for (const std::string& key : keys)
      if (!woken.count(key)) return false;
    return true;
  }

  std::set<DriftCheckResult> countedFor(const std::string& key) {
    std::lock_guard lock(mutex);
    return counted[key];
  }

  // The next observation for key, taken as the reconciler does (its recorded status).
  std::optional<DriftObservation> awaitObservation(const std::string& key) {
    const SchemaVersionStatus status = statusFromJson(schemaVersion(key, "")["status"]);
    std::optional<DriftObservation> observation;
    eventually([&] { return (observation = checker->take("shop/" + key, status)).has_value(); });
    return observation;
  }

  std::shared_ptr<FakeApi> fake = std::make_shared<FakeApi>();
  std::unique_ptr<kube::Informer> informer;
  std::unique_ptr<DriftChecker> checker;
  std::mutex mutex;
  std::set<std::string> woken;
  std::map<std::string, std::set<DriftCheckResult>> counted;
};

TEST_F(DriftCheckerThreadTest, ReportsEachDatabaseAndNeverTheUrl) {
  constexpr auto kInterval = std::chrono::milliseconds(20);
  for (const char* name : {"in-sync", "moved", "down", "no-secret"})
    checker->schedule(std::string("shop/") + name, kInterval);
  checker->start();

  // The reconciler's side, from other threads while the checker's thread runs: rescheduling,
  // taking results and churning keys that come and go.
  std::atomic<bool> done{false};
  std::vector<std::thread> reconcilers;
  struct Joiner {  // joins them however the test ends
    std::atomic<bool>& done;
    std::vector<std::thread>& threads;
    void join() {
      done = true;
      for (std::thread& t : threads)
        if (t.joinable()) t.join();
    }
    ~Joiner() { join(); }
  } joiner{done, reconcilers};
  for (int t = 0; t < 2; ++t)
    reconcilers.emplace_back([&, t] {
      const SchemaVersionStatus status = statusFromJson(schemaVersion("x", "")["status"]);
      for (int i = 0; !done; ++i) {
        const std::string churn = "shop/churn-" + std::to_string(t) + "-" + std::to_string(i % 4);
        checker->schedule(churn, kInterval);
        checker->schedule("shop/in-sync", i % 2 ? kInterval : kInterval * 2);
        checker->take(churn, status);
        checker->unschedule(churn);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });

  ASSERT_TRUE(eventually([&] {
    return wokenFor({"shop/moved", "shop/down", "shop/no-secret"}) &&
           !countedFor("shop/in-sync").empty();
  }));
  const auto moved = awaitObservation("moved");
  const auto down = awaitObservation("down");
  const auto noSecret = awaitObservation("no-secret");
  joiner.join();  // every churned key unscheduled

  ASSERT_TRUE(moved && down && noSecret);
  // In sync: counted, and nothing for the reconciler (no wake-up, no result).
  EXPECT_EQ(countedFor("shop/in-sync"), std::set<DriftCheckResult>{DriftCheckResult::InSync});
  EXPECT_FALSE(wokenFor({"shop/in-sync"}));
  EXPECT_FALSE(checker->take("shop/in-sync", statusFromJson(schemaVersion("x", "")["status"])));
  EXPECT_EQ(countedFor("shop/moved"), std::set<DriftCheckResult>{DriftCheckResult::Drifted});
  EXPECT_EQ(countedFor("shop/down"), std::set<DriftCheckResult>{DriftCheckResult::Failed});
  EXPECT_EQ(moved->heads, std::vector<std::string>{"b2"});
  EXPECT_EQ(down->error, "reading the version table: could not connect to (database URL)");
  EXPECT_EQ(down->error.find(kPassword), std::string::npos);
  EXPECT_NE(noSecret->error.find("Secret shop/db-missing not found (spec.database.secretRef.name)"),
            std::string::npos)
      << noSecret->error;
  EXPECT_EQ(checker->scheduled(), 4u);  // the churned keys are gone
}

TEST_F(DriftCheckerThreadTest, AResultTakenAfterTheRecordedStateMovedIsDropped) {
  checker->schedule("shop/moved", std::chrono::milliseconds(20));
  checker->start();
  ASSERT_TRUE(eventually([&] { return wokenFor({"shop/moved"}); }));
  SchemaVersionStatus moved = statusFromJson(schemaVersion("moved", "")["status"]);
  moved.currentRevisions = {"b2"};  // a run finished meanwhile: the check's basis is stale
  EXPECT_FALSE(checker->take("shop/moved", moved).has_value());
  checker->unschedule("shop/moved");
  EXPECT_EQ(checker->scheduled(), 0u);
}

// The loop sleeps until the earliest due check and is woken only for an earlier one: an object
// scheduled while it sleeps an hour is still checked at its own (short) time.
TEST_F(DriftCheckerThreadTest, AnEarlierCheckScheduledWhileTheLoopSleepsWakesIt) {
  checker->schedule("shop/in-sync", std::chrono::hours(2));  // first check within two hours
  checker->start();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let the loop go to sleep
  checker->schedule("shop/moved", std::chrono::milliseconds(20));
  ASSERT_TRUE(eventually([&] { return wokenFor({"shop/moved"}); }));
  const auto moved = awaitObservation("moved");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->heads, std::vector<std::string>{"b2"});
}

// stop() ends a batch of due checks between two checks: with 10,000 objects a batch that fell
// behind holds thousands, and a SIGTERM must not wait for them all.
TEST(DriftCheckerStop, DoesNotWaitForTheRestOfABatch) {
  auto fake = std::make_shared<FakeApi>();
  for (int i = 0; i < 40; ++i) {  // each on a database of its own: a read per check
    const std::string name = "slow-" + std::to_string(i);
    fake->put(kube::resources::secrets(), "shop", secret(name, url(name)));
    fake->put(kSchemaVersions, "shop", schemaVersion(name, name));
  }
  const std::unique_ptr<kube::Informer> informer = syncedInformer(fake);
  ASSERT_TRUE(informer);

  std::atomic<int> reads{0};
  DriftCheckerOptions options;
  options.clock = std::make_shared<SteadyClock>();
  options.secrets = std::make_shared<SecretUrls>(fake, options.clock);
  options.schemaVersions = informer.get();
  options.readHeads = [&](const std::string&) -> std::vector<std::string> {
    ++reads;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return {"a1"};
  };
  DriftChecker slow(std::move(options));
  for (int i = 0; i < 40; ++i)
    slow.schedule("shop/slow-" + std::to_string(i), std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // every check is due
  slow.start();
  ASSERT_TRUE(eventually([&] { return reads.load() > 0; }));
  slow.stop();
  EXPECT_LT(reads.load(), 10);  // the batch held 40 checks of 50 ms each
  informer->stop();
}

// Steady checks reuse the URL a GET returned (one GET per Secret per kSecretReuse, not one per
// check); a reused URL that fails is read again at once, so a rotated password costs one check.
TEST(DriftCheckerSecretReuse, OneGetPerSecretUntilItFailsOrAgesOut) {
  auto fake = std::make_shared<FakeApi>();
  fake->put(kube::resources::secrets(), "shop", secret("db", url("old")));
  fake->put(kSchemaVersions, "shop", schemaVersion("shop-a", "db"));
  fake->put(kSchemaVersions, "shop", schemaVersion("shop-b", "db"));
  const std::unique_ptr<kube::Informer> informer = syncedInformer(fake);
  ASSERT_TRUE(informer);

  auto clock = std::make_shared<FakeClock>();
  std::mutex mutex;
  std::vector<std::string> reads;  // the database names readHeads was asked for
  DriftCheckerOptions options;
  options.secrets = std::make_shared<SecretUrls>(fake, clock);
  options.schemaVersions = informer.get();
  options.clock = clock;
  options.readHeads = [&](const std::string& databaseUrl) -> std::vector<std::string> {
    std::lock_guard lock(mutex);
    reads.push_back(databaseUrl.substr(databaseUrl.rfind('/') + 1));
    if (databaseUrl == url("new")) return {"b2"};  // drifted: handed over on every check
    throw std::runtime_error("password authentication failed");
  };
  DriftChecker checker(std::move(options));
  const SchemaVersionStatus status = statusFromJson(schemaVersion("x", "")["status"]);
  const auto getsSoFar = [&] { return fake->count("get"); };
  const std::size_t before = getsSoFar();
  constexpr auto kInterval = std::chrono::seconds(60);
  checker.schedule("shop/shop-a", kInterval);
  checker.schedule("shop/shop-b", kInterval);
  const auto checkBoth = [&] {
    clock->advance(kInterval);
    checker.runDueChecks();
    return std::pair{checker.take("shop/shop-a", status), checker.take("shop/shop-b", status)};
  };

  // Both objects name one Secret: one GET, and a failing fresh URL is not read again.
  auto [a1, b1] = checkBoth();
  ASSERT_TRUE(a1 && b1);
  EXPECT_NE(a1->error.find("password authentication failed"), std::string::npos) << a1->error;
  EXPECT_EQ(getsSoFar() - before, 2u);  // shop-a: GET, fails; shop-b: reused, fails, GET again

  // The password rotated: the reused URL fails once, the Secret is read again, the check passes.
  fake->put(kube::resources::secrets(), "shop", secret("db", url("new")));
  auto [a2, b2] = checkBoth();
  ASSERT_TRUE(a2 && b2);
  EXPECT_EQ(a2->heads, std::vector<std::string>{"b2"}) << a2->error;
  EXPECT_EQ(b2->heads, std::vector<std::string>{"b2"}) << b2->error;
  const std::size_t afterRotation = getsSoFar();
  EXPECT_EQ(afterRotation - before, 3u);

  // Steady: the next checks within kSecretReuse make no GET at all.
  for (int i = 0; i < 10; ++i) {
    auto [a, b] = checkBoth();
    ASSERT_TRUE(a && b && a->error.empty() && b->error.empty());
  }
  EXPECT_EQ(getsSoFar(), afterRotation);
  // Aged out: one GET again for both.
  clock->advance(kSecretReuse);
  checkBoth();
  EXPECT_EQ(getsSoFar(), afterRotation + 1);
  informer->stop();
}

// Objects on one database share its read: a batch connects to each database once, and an object
// whose database a batch reads is checked with it, before its own time if need be, so a
// database costs one connection per interval however many objects name it.
TEST(DriftCheckerSharedDatabase, OneReadPerDatabaseAndItsObjectsCheckedTogether) {
  auto fake = std::make_shared<FakeApi>();
  fake->put(kube::resources::secrets(), "shop", secret("db-a", url("shared")));
  fake->put(kube::resources::secrets(), "shop", secret("db-b", url("shared")));
  fake->put(kube::resources::secrets(), "shop", secret("db-c", url("other")));
  for (const char* name : {"a", "b", "c"})
    fake->put(kSchemaVersions, "shop", schemaVersion(name, std::string("db-") + name));
  const std::unique_ptr<kube::Informer> informer = syncedInformer(fake);
  ASSERT_TRUE(informer);

  auto clock = std::make_shared<FakeClock>();
  std::vector<std::string> reads;  // the database names readHeads was asked for
  std::map<std::string, int> checks;
  DriftCheckerOptions options;
  options.secrets = std::make_shared<SecretUrls>(fake, clock);
  options.schemaVersions = informer.get();
  options.clock = clock;
  options.readHeads = [&](const std::string& databaseUrl) -> std::vector<std::string> {
    reads.push_back(databaseUrl.substr(databaseUrl.rfind('/') + 1));
    return {"a1"};
  };
  options.count = [&](const std::string& key, DriftCheckResult) { ++checks[key]; };
  DriftChecker checker(std::move(options));
  checker.schedule("shop/a", std::chrono::seconds(60));
  checker.schedule("shop/b", std::chrono::seconds(600));
  checker.schedule("shop/c", std::chrono::seconds(600));

  clock->advance(std::chrono::seconds(600));  // every first check is due
  checker.runDueChecks();
  std::sort(reads.begin(), reads.end());
  EXPECT_EQ(reads, (std::vector<std::string>{"other", "shared"}));
  EXPECT_EQ(checks, (std::map<std::string, int>{{"shop/a", 1}, {"shop/b", 1}, {"shop/c", 1}}));

  clock->advance(std::chrono::seconds(60));  // a's time: b is on its database, c is not
  checker.runDueChecks();
  EXPECT_EQ(reads, (std::vector<std::string>{"other", "shared", "shared"}));
  EXPECT_EQ(checks, (std::map<std::string, int>{{"shop/a", 2}, {"shop/b", 2}, {"shop/c", 1}}));
  informer->stop();
}

}  // namespace
}  // namespace retort::op
