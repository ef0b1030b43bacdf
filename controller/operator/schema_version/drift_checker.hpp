// Runs the drift checks on a thread of its own, so a slow or unreachable database never holds
// a reconcile worker. Each scheduled SchemaVersion is checked every interval (its spec's
// driftCheckInterval), the first time at a hash-based offset into the interval
// (drift_schedule.hpp). A check reads the object from the informer's cache, the referenced
// Secret's URL from the URLs kept (secret_urls.hpp: one GET per Secret per kSecretReuse; read
// again at once when a check with a kept URL fails, a rotated password) and the database's heads
// (an injectable reader: readDatabaseHeads in production). Every check is counted (options.count,
// the metric). One that finds the heads the status records (in sync) leaves the reconciler nothing
// to do and is not handed over: a steady object costs no reconcile. A drifted or failed one waits
// for the reconciler, which the checker wakes by enqueueing the key; take() hands it over once. A
// result taken after the object's recorded state moved on (a run finished meanwhile) is stale:
// take() drops it. Objects whose last run is still going are not checked (a migration in progress
// is no drift). Checks of objects on one database share its read: the checks due together (a batch)
// read each database once, and a batch takes in every other object whose last check used a database
// the batch reads, so once each object has been checked a database costs one connection per
// interval, not one per object (the connection, a backend started by the server, is most of a
// check's cost); an object is never checked later than its interval, sometimes earlier. The URL is
// never logged.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "kube/informer.hpp"
#include "operator/runtime/clock.hpp"
#include "operator/schema_version/decide.hpp"
#include "operator/schema_version/schema_version_series.hpp"
#include "operator/schema_version/secret_urls.hpp"

namespace retort::op {

struct DriftCheckerOptions {
  std::shared_ptr<SecretUrls> secrets;  // shared with the reconciler
  const kube::Informer* schemaVersions = nullptr;
  std::function<std::vector<std::string>(const std::string& url)> readHeads;
  std::shared_ptr<const Clock> clock;
  std::function<void(const std::string& key)> enqueue;  // wakes the reconciler
  // Called for every check made, before its result is handed over; never after unschedule(key)
  // returned (so a deleted object's metrics are not made again).
  std::function<void(const std::string& key, DriftCheckResult result)> count;
};

class DriftChecker {
 public:
  explicit DriftChecker(DriftCheckerOptions options);
  ~DriftChecker();
  DriftChecker(const DriftChecker&) = delete;
  DriftChecker& operator=(const DriftChecker&) = delete;

  void start();
  void stop();
  // Keeps key on the schedule with this interval; a changed interval takes effect at once.
  void schedule(const std::string& key, Duration interval);
  void unschedule(const std::string& key);
  // The observation of a drifted or failed check that finished since the last take(), unless
  // the object's recorded state (driftBasis) changed since the check began.
  std::optional<DriftObservation> take(const std::string& key, const SchemaVersionStatus& status);
  // Runs every check due now on the calling thread (what the thread does; tests call it).
  void runDueChecks();
  std::size_t scheduled() const;

 private:
  struct Entry {
    Duration interval{};
    TimePoint due{};
    std::size_t database = 0;  // hash of the URL its last check read; 0 before the first
  };
  struct Result {
    DriftObservation observation;
    std::string basis;
    DriftCheckResult kind = DriftCheckResult::InSync;
    std::size_t database = 0;
  };
  // A batch's reads of the version table, by URL: the heads, or the problem reading them.
  struct HeadsRead {
    std::vector<std::string> heads;
    std::string problem;
  };
  using BatchReads = std::map<std::string, HeadsRead>;
  Result check(const std::string& key, BatchReads& reads);
  // The database's read in this batch, made with readHeads the first time it is asked for.
  const HeadsRead& readOnce(const std::string& url, BatchReads& reads);
  void loop();

  DriftCheckerOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, Entry> schedule_;
  std::map<std::string, Result> results_;
  bool stopping_ = false;
  // When the loop wakes next by itself (max: only when notified; min: it is not waiting and
  // looks at the schedule again before it does). schedule() wakes it only for an earlier due
  // time: a wake-up is a scan of every entry, and the first pass schedules every object, so
  // waking on each would cost O(n^2) with the workers blocked on mutex_ meanwhile.
  TimePoint wakeAt_ = TimePoint::min();
  std::thread thread_;
};

// What a drift observation is compared against: the run and heads the status recorded.
std::string driftBasis(const SchemaVersionStatus& status);

}  // namespace retort::op
