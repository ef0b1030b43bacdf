// Exponential backoff with jitter for reconnect loops, with client-go's reflector defaults:
// 800 ms initial, doubling, up to 30 s, full jitter on top, and back to the start after two
// minutes without a failure. The clock (for "two minutes without a failure") and the random
// seed are injectable so unit tests check the schedule exactly. Not thread-safe: one per loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>

#include "kube/clock.hpp"

namespace retort::kube {

class Backoff {
 public:
  using Duration = std::chrono::milliseconds;
  explicit Backoff(Duration initial = Duration(800), Duration max = Duration(30000),
                   Duration reset_after = Duration(120000),
                   std::shared_ptr<const Clock> clock = steady_clock(),
                   std::uint32_t seed = std::random_device{}());

  // The delay before the next attempt after a failure: the current step (initial, doubling up
  // to max) plus a random jitter of up to one step, so in [step, 2 * step].
  Duration next();
  // After a success: the next failure starts again from the initial delay.
  void reset();

 private:
  Duration initial_;
  Duration max_;
  Duration reset_after_;
  std::shared_ptr<const Clock> clock_;
  Duration current_{0};
  TimePoint last_failure_{};
  std::mt19937 random_;
};

}  // namespace retort::kube
