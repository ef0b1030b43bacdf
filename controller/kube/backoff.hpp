// Exponential backoff with jitter for reconnect loops, with client-go's reflector defaults:
// 800 ms initial, doubling, up to 30 s, full jitter on top, and back to the start after two
// minutes without a failure.
#pragma once

#include <chrono>
#include <random>

namespace retort::kube {

class Backoff {
 public:
  using Duration = std::chrono::milliseconds;
  explicit Backoff(Duration initial = Duration(800), Duration max = Duration(30000),
                   Duration reset_after = Duration(120000));

  // The delay before the next attempt after a failure.
  Duration next();
  void reset();

 private:
  Duration initial_;
  Duration max_;
  Duration reset_after_;
  Duration current_{0};
  std::chrono::steady_clock::time_point last_failure_{};
  std::mt19937 random_{std::random_device{}()};
};

}  // namespace retort::kube
