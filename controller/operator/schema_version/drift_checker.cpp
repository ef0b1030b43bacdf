#include "operator/schema_version/drift_checker.hpp"

#include <algorithm>
#include <functional>
#include <unordered_set>
#include <vector>

#include "engine/util/log.hpp"
#include "operator/runtime/log_fields.hpp"
#include "operator/schema_version/drift_schedule.hpp"
#include "operator/schema_version/metric_values.hpp"

namespace retort::op {

std::string driftBasis(const SchemaVersionStatus& status) {
  std::string basis = joinRevisions(status.currentRevisions);
  if (status.lastRun) basis += "|" + status.lastRun->jobName + "|" + status.lastRun->outcome;
  return basis;
}

DriftChecker::DriftChecker(DriftCheckerOptions options) : options_(std::move(options)) {}

DriftChecker::~DriftChecker() {
  stop();
}

void DriftChecker::start() {
  thread_ = std::thread([this] { loop(); });
}

void DriftChecker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DriftChecker::schedule(const std::string& key, Duration interval) {
  {
    std::lock_guard lock(mutex_);
    const TimePoint now = options_.clock->now();
    auto [it, inserted] = schedule_.try_emplace(key);
    Entry& entry = it->second;
    if (inserted) {
      entry = {interval, now + firstDriftCheckOffset(key, interval)};
    } else if (entry.interval != interval) {
      entry.interval = interval;
      entry.due = std::min(entry.due, now + interval);
    } else {
      return;
    }
    if (entry.due >= wakeAt_) return;  // the loop looks at it in time without a wake-up
    wakeAt_ = entry.due;
  }
  cv_.notify_all();
}

void DriftChecker::unschedule(const std::string& key) {
  std::lock_guard lock(mutex_);
  schedule_.erase(key);
  results_.erase(key);
}

std::size_t DriftChecker::scheduled() const {
  std::lock_guard lock(mutex_);
  return schedule_.size();
}

std::optional<DriftObservation> DriftChecker::take(const std::string& key,
                                                   const SchemaVersionStatus& status) {
  std::lock_guard lock(mutex_);
  const auto found = results_.find(key);
  if (found == results_.end()) return std::nullopt;
  Result result = std::move(found->second);
  results_.erase(found);
  if (result.basis != driftBasis(status)) return std::nullopt;  // stale: a run moved it
  return std::move(result.observation);
}

DriftChecker::Result DriftChecker::check(const std::string& key, BatchReads& reads) {
  const std::optional<nlohmann::json> object = options_.schemaVersions->get(key);
  if (!object) throw std::out_of_range("gone");
  const SchemaVersion sv = schemaVersionFromJson(*object);  // SpecError: the reconciler says it
  if (sv.status.lastRun && sv.status.lastRun->outcome == "Running")
    throw std::out_of_range("a run is in progress");
  const std::string basis = driftBasis(sv.status);
  std::string problem;
  std::size_t database = 0;
  for (bool fresh : {false, true}) {
    const SecretUrls::Read secret =
        options_.secrets->read(sv.ns, sv.spec.database, "spec.database", fresh);
    if (!secret.secret.problem.empty()) {
      problem = secret.secret.problem;
      break;
    }
    const std::string& url = secret.secret.url;
    database = std::hash<std::string>{}(url);
    const HeadsRead& read = readOnce(url, reads);
    if (read.problem.empty()) {
      const DriftCheckResult kind = sameRevisions(read.heads, sv.status.currentRevisions)
                                        ? DriftCheckResult::InSync
                                        : DriftCheckResult::Drifted;
      return {{read.heads, ""}, basis, kind, database};
    }
    problem = read.problem;
    // A reused URL failed: the Secret may have changed since; read it again and retry once.
    if (!secret.reused) break;
  }
  return {{{}, std::move(problem)}, basis, DriftCheckResult::Failed, database};
}

const DriftChecker::HeadsRead& DriftChecker::readOnce(const std::string& url, BatchReads& reads) {
  const auto [it, inserted] = reads.try_emplace(url);
  if (!inserted) return it->second;
  try {
    it->second.heads = options_.readHeads(url);
  } catch (const std::exception& error) {
    // The engine masks passwords in its messages; the URL itself must not appear either.
    std::string message = error.what();
    for (auto at = message.find(url); at != std::string::npos; at = message.find(url))
      message.replace(at, url.size(), "(database URL)");
    it->second.problem = "reading the version table: " + message;
  }
  return it->second;
}

void DriftChecker::runDueChecks() {
  std::vector<std::string> due;
  {
    std::lock_guard lock(mutex_);
    const TimePoint now = options_.clock->now();
    // The databases this batch reads, and with them every object last seen on one of them.
    std::unordered_set<std::size_t> databases;
    for (const auto& [key, entry] : schedule_)
      if (entry.due <= now && entry.database != 0) databases.insert(entry.database);
    for (auto& [key, entry] : schedule_) {
      if (entry.due > now && !databases.count(entry.database)) continue;
      due.push_back(key);
      entry.due = now + entry.interval;
    }
  }
  // URLs of Secrets no check used for a while (an object deleted or pointed elsewhere).
  options_.secrets->prune();
  BatchReads reads;
  for (const std::string& key : due) {
    {
      // A batch can hold thousands of checks (10,000 objects that fell behind): stop() must not
      // wait for all of them, or the process outlives its termination grace period.
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    Result result;
    try {
      result = check(key, reads);
    } catch (const std::out_of_range&) {
      continue;  // gone (its delete unschedules it) or busy: next interval
    } catch (const std::exception& error) {
      engine::LogFields fields = keyLogFields(key);
      fields.emplace_back("error", error.what());
      engine::Log::warning(kControllerLogger, "drift check skipped", fields);
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      const auto entry = schedule_.find(key);
      if (entry == schedule_.end()) continue;  // unscheduled while we read
      entry->second.database = result.database;
      if (options_.count) options_.count(key, result.kind);
      if (result.kind == DriftCheckResult::InSync) continue;  // what the status already says
      results_[key] = std::move(result);
    }
    if (options_.enqueue) options_.enqueue(key);
  }
}

void DriftChecker::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    TimePoint earliest = TimePoint::max();
    for (const auto& [key, entry] : schedule_) earliest = std::min(earliest, entry.due);
    const TimePoint now = options_.clock->now();
    if (earliest > now) {
      wakeAt_ = earliest;
      if (earliest == TimePoint::max())
        cv_.wait(lock);
      else
        cv_.wait_for(lock, earliest - now);
      wakeAt_ = TimePoint::min();
      continue;
    }
    lock.unlock();
    runDueChecks();
    lock.lock();
  }
}

}  // namespace retort::op
