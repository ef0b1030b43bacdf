// Issue 21 part 3, end to end: the operator moves the SweetShop through four revisions on its hot
// tables (bench/live_traffic/versions: a column with a default, an index built concurrently, a
// foreign key NOT VALID and its validation) while a client on the host buys sweets, and while a
// long report transaction holds a lock the first step needs. The lock budget
// (spec.policy.lockTimeout, lockRetries) must keep the shop's purchases from queueing behind
// the waiting ALTER TABLE for longer than one lock timeout, and the move must finish once the
// report ends. bench/live_traffic measures the same with pgbench; this asserts it.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/runtime/connection.hpp"
#include "operator_fixture.hpp"
#include "postgres_server.hpp"

namespace retort::e2e {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kLiveHead = "b1e0live0004";
constexpr auto kLockTimeout = std::chrono::seconds(1);

// Purchases at a steady pace from a few sessions, each one transaction as in
// bench/live_traffic/app.sql; records every transaction's latency and every error.
class Shop {
 public:
  Shop(const std::string& uri, int sessions) {
    for (int i = 0; i < sessions; ++i) threads_.emplace_back([this, uri, i] { buy(uri, i); });
  }
  ~Shop() { stop(); }

  void stop() {
    stopping_ = true;
    for (std::thread& t : threads_)
      if (t.joinable()) t.join();
  }
  int purchases() const { return purchases_; }
  std::vector<std::string> errors() const {
    std::lock_guard lock(mutex_);
    return errors_;
  }
  // The longest purchase that began at or after `since`.
  std::chrono::milliseconds longestSince(Clock::time_point since) const {
    std::lock_guard lock(mutex_);
    std::chrono::milliseconds longest{0};
    for (const auto& [began, took] : latencies_)
      if (began >= since) longest = std::max(longest, took);
    return longest;
  }

 private:
  void buy(const std::string& uri, int session) {
    try {
      engine::Connection db(uri);
      for (int n = 0; !stopping_; ++n) {
        const std::string sweet = std::to_string(1 + (n * 7 + session) % 50);
        const std::string buyer = std::to_string(1 + (n * 13 + session) % 100);
        const auto began = Clock::now();
        db.exec("BEGIN");
        db.exec("SELECT id, name, price_cents FROM sweets WHERE id = " + sweet);
        db.exec("INSERT INTO purchases (user_id, sweet_id, quantity, unit_price_cents) VALUES (" +
                buyer + ", " + sweet + ", 1, 250)");
        db.exec(
            "UPDATE sweet_inventory SET quantity = quantity - 1, updated_at = now() "
            "WHERE sweet_id = " +
            sweet);
        db.exec("COMMIT");
        const auto took =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began);
        {
          std::lock_guard lock(mutex_);
          latencies_.emplace_back(began, took);
        }
        ++purchases_;
        // About 20 purchases a second per session, whatever a purchase took.
        std::this_thread::sleep_until(began + std::chrono::milliseconds(50));
      }
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex_);
      errors_.push_back("session " + std::to_string(session) + ": " + e.what());
    }
  }

  std::atomic<bool> stopping_{false};
  std::atomic<int> purchases_{0};
  mutable std::mutex mutex_;
  std::vector<std::pair<Clock::time_point, std::chrono::milliseconds>> latencies_;
  std::vector<std::string> errors_;
  std::vector<std::thread> threads_;
};

std::string migrationLogs(const std::string& ns) {
  std::string output;
  E2e::get().cluster->run_kubectl(
      {"-n", ns, "logs", "-l", "app.kubernetes.io/component=migration", "--tail=-1"}, &output);
  return output;
}

TEST(LiveTraffic, ALongTransactionDelaysTheMoveButNotThePurchases) {
  OperatorWorld world("live");
  std::string output;
  // The SweetShop at its head, with stock, users and purchases, migrated from the host.
  ASSERT_EQ(test::runCommand("DATABASE_URL=" + world.db.local + " " + RETORT_BINARY + " -q -d " +
                                 RETORT_SOURCE_DIR + "/migrations upgrade head 2>&1",
                             &output),
            0)
      << output;
  {
    engine::Connection db(world.db.local);
    db.exec("INSERT INTO categories (name, slug) VALUES ('Chocolate', 'chocolate')");
    db.exec(
        "INSERT INTO sweets (category_id, name, price_cents) "
        "SELECT 1, 'sweet ' || g, 250 FROM generate_series(1, 50) g");
    db.exec("INSERT INTO sweet_inventory (sweet_id, quantity) SELECT id, 1000000000 FROM sweets");
    db.exec(
        "INSERT INTO users (email, display_name, password_hash) "
        "SELECT 'u' || g || '@shop.test', 'user ' || g, 'x' FROM generate_series(1, 100) g");
    db.exec(
        "INSERT INTO purchases (user_id, sweet_id, quantity, unit_price_cents) "
        "SELECT 1 + g % 100, 1 + g % 50, 1, 250 FROM generate_series(1, 20000) g");
  }
  // The scripts: the SweetShop's and the four live-traffic revisions on top of its head.
  const std::filesystem::path live =
      std::filesystem::path(RETORT_SOURCE_DIR) / "bench/live_traffic";
  ASSERT_EQ(E2e::get().cluster->run_kubectl(
                {"-n", world.ns, "create", "configmap", "live-scripts",
                 "--from-file=" + std::string(RETORT_SOURCE_DIR) + "/migrations/versions",
                 "--from-file=" + (live / "versions").string()},
                &output),
            0)
      << output;

  Shop shop(world.db.local, 3);
  ASSERT_TRUE(testing::wait_until([&] { return shop.purchases() >= 20; }, std::chrono::seconds(30)))
      << shop.purchases();
  // The long report: ACCESS SHARE on purchases until released, which the first step's ALTER TABLE
  // (ACCESS EXCLUSIVE) waits for; the backup's pg_dump (ACCESS SHARE) does not.
  auto report =
      std::make_unique<engine::Connection>(world.db.local + "?application_name=long-report");
  report->exec("BEGIN");
  report->exec("SELECT count(*) FROM purchases");
  const auto held = Clock::now();

  OperatorProcess op(world.ns);
  ASSERT_EQ(E2e::get().cluster->apply(
                sweetshopSchemaVersion(world.ns, "live", kLiveHead,
                                       "  policy:\n    lockTimeout: 1s\n    lockRetries: 20\n",
                                       "    path: /scripts\n    configMaps: [live-scripts]\n"),
                &output),
            0)
      << output;
  // The move tries the first step, times out after one lock timeout, rolls back and tries again,
  // each retry naming the report's session; hold the lock until three tries have given up.
  std::string logs;
  ASSERT_TRUE(testing::wait_until(
      [&] { return (logs = migrationLogs(world.ns)).find("try 3 of 21") != std::string::npos; },
      std::chrono::seconds(240), std::chrono::milliseconds(500)))
      << logs << describeSv(world.ns, "live") << op.log();
  report->exec("COMMIT");
  report.reset();
  const auto heldFor = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - held);

  ASSERT_EQ(kubectlWait(world.ns, "live", "Ready", 240, &output), 0)
      << output << describeSv(world.ns, "live") << op.log();
  const int purchasesAtReady = shop.purchases();
  shop.stop();

  EXPECT_TRUE(shop.errors().empty()) << shop.errors().front();
  // Without the budget a purchase would wait behind the ALTER TABLE for as long as the report
  // held its lock (heldFor); with it, at most one lock timeout, plus slack for a loaded machine.
  const auto longest = shop.longestSince(held);
  std::printf(
      "live traffic: %d purchases, longest %lld ms after the report took its lock, which it "
      "held %lld ms\n",
      purchasesAtReady, static_cast<long long>(longest.count()),
      static_cast<long long>(heldFor.count()));
  EXPECT_LT(longest, kLockTimeout + std::chrono::milliseconds(1500))
      << "held " << heldFor.count() << " ms";
  EXPECT_LT(longest, heldFor);
  EXPECT_GT(purchasesAtReady, 100);
  logs = migrationLogs(world.ns);
  EXPECT_NE(logs.find("lock timeout on step"), std::string::npos) << logs;
  EXPECT_NE(logs.find("application long-report"), std::string::npos) << logs;
  EXPECT_EQ(jsonpath(world.ns, "sv", "live", "{.status.currentRevisions}"),
            std::string("[\"") + kLiveHead + "\"]");
  engine::Connection db(world.db.local);
  EXPECT_EQ(db.exec("SELECT convalidated FROM pg_constraint "
                    "WHERE conname = 'sweet_inventory_supplier_id_fkey'")
                .value(0, 0),
            "t");
  EXPECT_EQ(db.exec("SELECT count(*) FROM purchases WHERE channel <> 'web'").value(0, 0), "0");
  const std::string metrics = httpGet(op.metricsAddress(), "/metrics");
  EXPECT_GE(metricValue(metrics, "retort_lock_retries_total"), 2.0) << metrics;
}

}  // namespace
}  // namespace retort::e2e
