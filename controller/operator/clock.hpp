// Time as the controller runtime sees it. Queue delays, backoff and drift schedules read the
// clock through this interface so unit tests drive them with FakeClock instead of sleeping.
// Folder and namespace: `operator` is a C++ keyword, so the code under controller/operator/
// lives in namespace retort::op (the one exception to folder = namespace).
#pragma once

#include <chrono>
#include <mutex>

namespace retort::op {

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

// A clock that moves only when told to.
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

}  // namespace retort::op
