// Waiting in the kube unit tests that run real threads (informer, leader elector) against a
// fake Api: poll a condition until it holds, bounded, never a fixed sleep.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace retort::kube::testing {

inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace retort::kube::testing
