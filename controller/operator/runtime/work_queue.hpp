// A work queue of object keys ("namespace/name") with client-go's guarantees: a key is queued
// at most once however often it is added (the dirty set), a key being processed is never handed
// to a second worker (the processing set) and is queued again on done() if it was added
// meanwhile; delayed adds keep the earliest of several due times; addRateLimited() delays by the
// key's exponential backoff. Time comes from an injectable Clock: tryGet() hands out what is due
// now without blocking (what unit tests use), get() blocks until something is due or shutDown().
// An optional WorkQueueObserver sees adds, retries, depth and time spent queued (metrics).
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "operator/runtime/clock.hpp"
#include "operator/runtime/rate_limiter.hpp"
#include "operator/runtime/work_queue_observer.hpp"

namespace retort::op {

class WorkQueue {
 public:
  // Failed keys wait backoffBase * 2^(failures-1), at most backoffMax.
  explicit WorkQueue(std::shared_ptr<const Clock> clock,
                     Duration backoffBase = std::chrono::milliseconds(5),
                     Duration backoffMax = std::chrono::seconds(300));

  // Not owned; must outlive the queue. Set before the queue is used.
  void setObserver(WorkQueueObserver* observer) { observer_ = observer; }

  void add(const std::string& key);
  void addAfter(const std::string& key, Duration delay);
  void addRateLimited(const std::string& key);
  // Ends the key's backoff (after a success).
  void forget(const std::string& key);
  int numRequeues(const std::string& key) const;

  // The next key that is due, or nothing when none is (never blocks).
  std::optional<std::string> tryGet();
  // Blocks until a key is due; nothing once the queue is shut down.
  std::optional<std::string> get();
  // Must follow every key handed out by get()/tryGet().
  void done(const std::string& key);

  // Wakes blocked get() calls; they return nothing. Adds after this are dropped.
  void shutDown();
  bool shuttingDown() const;
  // Wakes get() so it re-reads the clock (a FakeClock moved, for tests of the blocking path).
  void wake();

  std::size_t length() const;                                      // keys ready to hand out
  std::size_t waitingLength() const;                               // keys waiting for a due time
  std::optional<TimePoint> dueTime(const std::string& key) const;  // of a waiting key

 private:
  void addLocked(const std::string& key);
  void promoteDueLocked();
  std::optional<std::string> popLocked();
  void pushLocked(const std::string& key);

  std::shared_ptr<const Clock> clock_;
  ItemExponentialRateLimiter limiter_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::set<std::string> dirty_;
  std::set<std::string> processing_;
  std::map<std::string, TimePoint> waiting_;
  std::map<std::string, TimePoint> queuedAt_;  // when each key in queue_ became ready
  WorkQueueObserver* observer_ = nullptr;
  bool shuttingDown_ = false;
};

}  // namespace retort::op
