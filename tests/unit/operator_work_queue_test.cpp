// The work queue and its backoff, driven by a fake clock: no test sleeps.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "operator/runtime/work_queue.hpp"
#include "operator/runtime/worker.hpp"

namespace retort::op {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct QueueFixture : ::testing::Test {
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  WorkQueue queue{clock, milliseconds(5), seconds(10)};
};

TEST_F(QueueFixture, AddingAKeyTwiceQueuesItOnce) {
  queue.add("ns/a");
  queue.add("ns/a");
  queue.add("ns/b");
  EXPECT_EQ(queue.length(), 2u);
  EXPECT_EQ(queue.tryGet(), "ns/a");
  EXPECT_EQ(queue.tryGet(), "ns/b");
  EXPECT_EQ(queue.tryGet(), std::nullopt);
}

TEST_F(QueueFixture, AKeyBeingProcessedIsNotHandedOutAgainUntilDone) {
  queue.add("ns/a");
  ASSERT_EQ(queue.tryGet(), "ns/a");
  queue.add("ns/a");  // changed while a worker holds it
  EXPECT_EQ(queue.tryGet(), std::nullopt);
  queue.done("ns/a");
  EXPECT_EQ(queue.tryGet(), "ns/a");
  queue.done("ns/a");
  EXPECT_EQ(queue.tryGet(), std::nullopt);
}

TEST_F(QueueFixture, DoneWithoutANewAddDoesNotRequeue) {
  queue.add("ns/a");
  ASSERT_EQ(queue.tryGet(), "ns/a");
  queue.done("ns/a");
  EXPECT_EQ(queue.length(), 0u);
}

TEST_F(QueueFixture, DelayedAddIsDueOnlyAfterItsDelay) {
  queue.addAfter("ns/a", seconds(5));
  EXPECT_EQ(queue.tryGet(), std::nullopt);
  clock->advance(seconds(4));
  EXPECT_EQ(queue.tryGet(), std::nullopt);
  clock->advance(seconds(1));
  EXPECT_EQ(queue.tryGet(), "ns/a");
}

TEST_F(QueueFixture, SeveralDelayedAddsKeepTheEarliest) {
  queue.addAfter("ns/a", seconds(10));
  queue.addAfter("ns/a", seconds(3));
  queue.addAfter("ns/a", seconds(7));
  EXPECT_EQ(queue.waitingLength(), 1u);
  EXPECT_EQ(queue.dueTime("ns/a"), clock->now() + seconds(3));
  clock->advance(seconds(3));
  EXPECT_EQ(queue.tryGet(), "ns/a");
  queue.done("ns/a");
  clock->advance(seconds(10));
  EXPECT_EQ(queue.tryGet(), std::nullopt);
}

TEST_F(QueueFixture, AnImmediateAddSupersedesADelayedOne) {
  queue.addAfter("ns/a", seconds(10));
  queue.add("ns/a");
  EXPECT_EQ(queue.tryGet(), "ns/a");
  queue.done("ns/a");
  clock->advance(seconds(10));
  EXPECT_EQ(queue.tryGet(), std::nullopt);
}

TEST_F(QueueFixture, DelayedAddOfAKeyInProcessIsHandedOutAfterDone) {
  queue.add("ns/a");
  ASSERT_EQ(queue.tryGet(), "ns/a");
  queue.addAfter("ns/a", seconds(1));
  clock->advance(seconds(1));
  EXPECT_EQ(queue.tryGet(), std::nullopt);
  queue.done("ns/a");
  EXPECT_EQ(queue.tryGet(), "ns/a");
}

TEST_F(QueueFixture, RateLimitedAddsBackOffExponentiallyUpToTheCap) {
  const TimePoint start = clock->now();
  queue.addRateLimited("ns/a");
  EXPECT_EQ(queue.dueTime("ns/a"), start + milliseconds(5));
  EXPECT_EQ(queue.numRequeues("ns/a"), 1);
  clock->advance(milliseconds(5));
  ASSERT_EQ(queue.tryGet(), "ns/a");
  queue.addRateLimited("ns/a");
  queue.done("ns/a");
  EXPECT_EQ(queue.dueTime("ns/a"), clock->now() + milliseconds(10));
  ItemExponentialRateLimiter limiter(milliseconds(5), seconds(10));
  Duration last{};
  for (int i = 0; i < 30; ++i) last = limiter.when("k");
  EXPECT_EQ(last, seconds(10));
  limiter.forget("k");
  EXPECT_EQ(limiter.when("k"), milliseconds(5));
}

TEST_F(QueueFixture, ForgetResetsTheBackoff) {
  queue.addRateLimited("ns/a");
  queue.addRateLimited("ns/a");
  queue.forget("ns/a");
  EXPECT_EQ(queue.numRequeues("ns/a"), 0);
}

TEST_F(QueueFixture, ShutDownReleasesABlockedGet) {
  std::optional<std::string> got = "unset";
  std::thread waiter([&] { got = queue.get(); });
  queue.shutDown();
  waiter.join();
  EXPECT_EQ(got, std::nullopt);
  queue.add("ns/a");
  EXPECT_EQ(queue.length(), 0u);
}

TEST_F(QueueFixture, BlockingGetReturnsAKeyAddedLater) {
  std::optional<std::string> got;
  std::thread waiter([&] { got = queue.get(); });
  queue.add("ns/a");
  waiter.join();
  EXPECT_EQ(got, "ns/a");
}

class ScriptedReconciler : public Reconciler {
 public:
  std::function<ReconcileResult(const std::string&)> behaviour;
  std::atomic<int> calls{0};  // workers on several threads call it
  ReconcileResult reconcile(const std::string& key) override {
    ++calls;
    return behaviour(key);
  }
};

TEST_F(QueueFixture, WorkerRequeuesAnErrorWithBackoff) {
  ScriptedReconciler reconciler;
  reconciler.behaviour = [](const std::string&) -> ReconcileResult {
    throw std::runtime_error("API server unreachable");
  };
  std::vector<ReconcileObservation> seen;
  queue.add("ns/a");
  EXPECT_TRUE(processNextItem(
      queue, reconciler, *clock, [&](const ReconcileObservation& o) { seen.push_back(o); }, false));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].outcome, ReconcileOutcome::Error);
  EXPECT_EQ(seen[0].error, "API server unreachable");
  EXPECT_EQ(queue.dueTime("ns/a"), clock->now() + milliseconds(5));
  EXPECT_FALSE(processNextItem(queue, reconciler, *clock, {}, false));
  clock->advance(milliseconds(5));
  EXPECT_TRUE(processNextItem(queue, reconciler, *clock, {}, false));
  EXPECT_EQ(queue.dueTime("ns/a"), clock->now() + milliseconds(10));
  EXPECT_EQ(reconciler.calls, 2);
}

TEST_F(QueueFixture, WorkerDropsATerminalErrorWithoutRetry) {
  ScriptedReconciler reconciler;
  reconciler.behaviour = [](const std::string&) -> ReconcileResult {
    throw TerminalError("spec.targetRevision is empty");
  };
  ReconcileOutcome outcome{};
  queue.add("ns/a");
  processNextItem(
      queue, reconciler, *clock, [&](const ReconcileObservation& o) { outcome = o.outcome; },
      false);
  EXPECT_EQ(outcome, ReconcileOutcome::TerminalError);
  EXPECT_EQ(queue.waitingLength(), 0u);
  EXPECT_EQ(queue.length(), 0u);
  EXPECT_EQ(queue.numRequeues("ns/a"), 0);
}

TEST_F(QueueFixture, WorkerRetriesAStaleObjectWithBackoffAsARequeue) {
  ScriptedReconciler reconciler;
  reconciler.behaviour = [](const std::string&) -> ReconcileResult {
    throw StaleObject("status not written: 409 Conflict");
  };
  ReconcileObservation seen{};
  queue.add("ns/a");
  processNextItem(
      queue, reconciler, *clock, [&](const ReconcileObservation& o) { seen = o; }, false);
  EXPECT_EQ(seen.outcome, ReconcileOutcome::Requeue);
  EXPECT_EQ(seen.error, "status not written: 409 Conflict");
  EXPECT_EQ(queue.dueTime("ns/a"), clock->now() + milliseconds(5));
  EXPECT_EQ(queue.numRequeues("ns/a"), 1);
}

TEST_F(QueueFixture, WorkerSurvivesNonStandardExceptions) {
  ScriptedReconciler reconciler;
  reconciler.behaviour = [](const std::string&) -> ReconcileResult { throw 42; };
  queue.add("ns/a");
  ReconcileObservation seen{};
  processNextItem(
      queue, reconciler, *clock, [&](const ReconcileObservation& o) { seen = o; }, false);
  EXPECT_EQ(seen.outcome, ReconcileOutcome::Error);
  EXPECT_EQ(queue.waitingLength(), 1u);
}

TEST_F(QueueFixture, SuccessForgetsBackoffAndHonoursRequeueAfter) {
  ScriptedReconciler reconciler;
  bool fail = true;
  reconciler.behaviour = [&](const std::string&) -> ReconcileResult {
    if (fail) throw std::runtime_error("conflict");
    return {seconds(300)};
  };
  queue.add("ns/a");
  processNextItem(queue, reconciler, *clock, {}, false);
  EXPECT_EQ(queue.numRequeues("ns/a"), 1);
  fail = false;
  clock->advance(milliseconds(5));
  processNextItem(queue, reconciler, *clock, {}, false);
  EXPECT_EQ(queue.numRequeues("ns/a"), 0);
  EXPECT_EQ(queue.dueTime("ns/a"), clock->now() + seconds(300));
}

TEST_F(QueueFixture, ThrowingObserverDoesNotStopTheWorker) {
  ScriptedReconciler reconciler;
  reconciler.behaviour = [](const std::string&) { return ReconcileResult{}; };
  queue.add("ns/a");
  EXPECT_TRUE(processNextItem(
      queue, reconciler, *clock,
      [](const ReconcileObservation&) { throw std::runtime_error("log sink closed"); }, false));
  queue.add("ns/a");
  EXPECT_EQ(queue.tryGet(), "ns/a");
}

TEST_F(QueueFixture, WorkersProcessEveryKeyAndStopOnShutDown) {
  ScriptedReconciler reconciler;
  std::mutex mutex;
  std::set<std::string> handled;
  std::condition_variable cv;
  reconciler.behaviour = [&](const std::string& key) {
    std::lock_guard lock(mutex);
    handled.insert(key);
    cv.notify_all();
    return ReconcileResult{};
  };
  Workers workers(queue, reconciler, *clock, {});
  workers.start(2);
  for (int i = 0; i < 20; ++i) queue.add("ns/sv" + std::to_string(i));
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, seconds(10), [&] { return handled.size() == 20; }));
  }
  workers.stop();
  EXPECT_TRUE(queue.shuttingDown());
}

}  // namespace
}  // namespace retort::op

namespace retort::op {
namespace {

struct RecordingQueueObserver : WorkQueueObserver {
  int adds = 0;
  int retries = 0;
  std::size_t lastDepth = 0;
  std::vector<Duration> waits;
  void added() override { ++adds; }
  void retried() override { ++retries; }
  void depth(std::size_t keys) override { lastDepth = keys; }
  void waited(Duration queued) override { waits.push_back(queued); }
};

TEST(WorkQueueObserverTest, SeesAddsDepthRetriesAndTimeQueued) {
  auto clock = std::make_shared<FakeClock>();
  WorkQueue queue{clock, std::chrono::milliseconds(5), std::chrono::seconds(10)};
  RecordingQueueObserver observer;
  queue.setObserver(&observer);

  queue.add("ns/a");
  queue.add("ns/a");  // merged by the dirty set, still an add
  queue.add("ns/b");
  EXPECT_EQ(observer.adds, 3);
  EXPECT_EQ(observer.lastDepth, 2u);

  clock->advance(std::chrono::milliseconds(250));
  ASSERT_EQ(queue.tryGet(), "ns/a");
  EXPECT_EQ(observer.lastDepth, 1u);
  ASSERT_EQ(observer.waits.size(), 1u);
  EXPECT_EQ(observer.waits[0], std::chrono::milliseconds(250));

  queue.addRateLimited("ns/a");
  queue.done("ns/a");
  EXPECT_EQ(observer.retries, 1);
  clock->advance(std::chrono::milliseconds(5));
  ASSERT_EQ(queue.tryGet(), "ns/b");
  ASSERT_EQ(queue.tryGet(), "ns/a");  // the backoff ran out: promoted, counted as an add
  EXPECT_EQ(observer.adds, 4);
  EXPECT_EQ(observer.lastDepth, 0u);
}

}  // namespace
}  // namespace retort::op
