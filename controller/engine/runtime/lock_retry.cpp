#include "engine/runtime/lock_retry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/util/log.hpp"

namespace retort::engine {

namespace {
constexpr const char* kLogger = "retort.runtime.migration";
}  // namespace

std::chrono::milliseconds lockRetryDelay(int retry, double jitter) {
  double base = static_cast<double>(kLockRetryFirstDelay.count());
  // Past 2^5 the cap has long been reached; the bound keeps the power from overflowing.
  for (int i = 1; i < std::min(retry, 32); ++i) base *= 2;
  base = std::min(base, static_cast<double>(kLockRetryMaxDelay.count()));
  jitter = std::clamp(jitter, -1.0, 1.0);
  return std::chrono::milliseconds(std::llround(base * (1 + kLockRetryJitter * jitter)));
}

std::string describeBlockers(const std::vector<LockBlocker>& blockers) {
  if (blockers.empty()) return "an unknown session";
  std::string out;
  for (const LockBlocker& b : blockers) {
    if (!out.empty()) out += ", ";
    out += "pid " + std::to_string(b.pid) + " (application " +
           (b.application.empty() ? std::string("unnamed") : b.application) + ", state " +
           (b.state.empty() ? std::string("unknown") : b.state);
    if (b.transactionSeconds) {
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%.1f", *b.transactionSeconds);
      out += std::string(", transaction open ") + seconds + " s";
    }
    out += ")";
  }
  return out;
}

BlockerWatch::BlockerWatch(std::function<std::unique_ptr<Connection>()> connect, int watchedPid,
                           std::chrono::milliseconds interval)
    : watchedPid_(watchedPid), interval_(interval) {
  thread_ = std::thread([this, connect = std::move(connect)] { watch(connect); });
}

BlockerWatch::~BlockerWatch() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::vector<LockBlocker> BlockerWatch::lastSeen() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return seen_;
}

void BlockerWatch::forget() {
  std::lock_guard<std::mutex> lock(mutex_);
  seen_.clear();
}

void BlockerWatch::watch(std::function<std::unique_ptr<Connection>()> connect) {
  std::unique_ptr<Connection> connection;
  try {
    connection = connect();
    // The watcher must never wait itself, nor stay in a transaction that others wait for.
    connection->exec("SET statement_timeout = '2s'");
    connection->exec("SET lock_timeout = '1s'");
  } catch (const std::exception& e) {
    Log::warning(kLogger,
                 std::string("cannot open a session to see who blocks a step: ") + e.what());
    return;
  }
  const std::string sql =
      "SELECT pid, coalesce(application_name, ''), coalesce(state, ''), "
      "extract(epoch FROM now() - xact_start)::float8 FROM pg_stat_activity "
      "WHERE pid = ANY(pg_blocking_pids(" +
      std::to_string(watchedPid_) + ")) ORDER BY pid";
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    lock.unlock();
    std::vector<LockBlocker> blockers;
    bool ok = true;
    try {
      Result r = connection->exec(sql);
      for (int i = 0; i < r.rows(); ++i) {
        LockBlocker b;
        b.pid = std::stoi(r.value(i, 0));
        b.application = r.value(i, 1);
        b.state = r.value(i, 2);
        if (auto seconds = r.optionalValue(i, 3)) b.transactionSeconds = std::stod(*seconds);
        blockers.push_back(std::move(b));
      }
    } catch (const std::exception& e) {
      Log::warning(kLogger,
                   std::string("stopped watching for sessions that block a step: ") + e.what());
      ok = false;
    }
    lock.lock();
    if (!ok) return;
    if (!blockers.empty()) seen_ = std::move(blockers);
    wake_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

}  // namespace retort::engine
