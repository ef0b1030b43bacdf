// Time as the controller code sees it (the kube client and the operator share this one clock).
// Backoff, lease expiry, renew deadlines, queue delays and drift schedules read the clock
// through this interface, so unit tests drive them with FakeClock instead of sleeping. Only
// decisions read it; threads still block on real time (a condition variable's wait_for), so a
// test that advances a FakeClock also keeps real waits short. Header-only: the operator's pure
// code uses it without linking the kube client.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

namespace retort::kube {

using Duration = std::chrono::steady_clock::duration;
using TimePoint = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SteadyClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
};

// The process-wide steady clock, for constructors whose caller passes none.
inline std::shared_ptr<const Clock> steady_clock() {
  static const auto clock = std::make_shared<const SteadyClock>();
  return clock;
}

// A clock that moves only when told to. Thread-safe: tests advance it while the code under
// test reads it from its own threads.
class FakeClock final : public Clock {
 public:
  TimePoint now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void advance(Duration by) {
    std::lock_guard lock(mutex_);
    now_ += by;
  }

 private:
  mutable std::mutex mutex_;
  TimePoint now_{std::chrono::hours(1)};
};

}  // namespace retort::kube
