#include "engine/rehearsal/lock_wait_sampler.hpp"

#include "engine/util/log.hpp"

namespace retort::engine::rehearsal {
namespace {

constexpr const char* kLogger = "retort.rehearsal";

// The lock the backend waits for now, if any. A relation lock names its relation; the
// regclass cast resolves in this database only, which is the watched backend's too.
constexpr const char* kWaitQuery =
    "SELECT coalesce(l.locktype, a.wait_event), coalesce(l.mode, ''), "
    "coalesce(l.relation::regclass::text, '') "
    "FROM pg_stat_activity a LEFT JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted "
    "WHERE a.pid = $1 AND a.wait_event_type = 'Lock' LIMIT 1";

}  // namespace

LockWaitSampler::LockWaitSampler(std::function<std::unique_ptr<Connection>()> connect,
                                 int watchedPid, std::chrono::milliseconds interval)
    : watchedPid_(watchedPid), interval_(interval) {
  thread_ = std::thread([this, connect = std::move(connect)] { run(connect); });
}

LockWaitSampler::~LockWaitSampler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LockWaitSampler::beginStep() {
  std::lock_guard<std::mutex> lock(mutex_);
  tally_.emplace(interval_);
}

std::vector<LockWait> LockWaitSampler::endStep() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<LockWait> waits = tally_ ? tally_->waits() : std::vector<LockWait>{};
  tally_.reset();
  return waits;
}

void LockWaitSampler::run(std::function<std::unique_ptr<Connection>()> connect) {
  std::unique_ptr<Connection> session;
  try {
    session = connect();
  } catch (const std::exception& e) {
    Log::warning(kLogger, std::string("cannot watch for lock waits: ") + e.what());
    return;
  }
  const std::string pid = std::to_string(watchedPid_);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    if (tally_) {
      lock.unlock();
      std::optional<LockWaitKey> wait;
      bool ok = true;
      try {
        Result r = session->exec(kWaitQuery, {pid});
        if (r.rows() > 0) wait = LockWaitKey{r.value(0, 0), r.value(0, 1), r.value(0, 2)};
      } catch (const std::exception& e) {
        Log::warning(kLogger, std::string("stopped watching for lock waits: ") + e.what());
        ok = false;
      }
      auto now = std::chrono::steady_clock::now();
      lock.lock();
      if (!ok) return;
      if (tally_) tally_->sample(now, wait);
    }
    wake_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

}  // namespace retort::engine::rehearsal
