#include "operator/runtime/rate_limiter.hpp"

namespace retort::op {

ItemExponentialRateLimiter::ItemExponentialRateLimiter(Duration base, Duration max)
    : base_(base), max_(max) {}

Duration ItemExponentialRateLimiter::when(const std::string& key) {
  std::lock_guard lock(mutex_);
  const int failures = failures_[key]++;
  // Doubling past 2^40 overflows long before it matters; the cap applies from there on.
  if (failures >= 40) return max_;
  const auto delay = base_ * (std::int64_t{1} << failures);
  return delay > max_ || delay < base_ ? max_ : delay;
}

void ItemExponentialRateLimiter::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

int ItemExponentialRateLimiter::numRequeues(const std::string& key) const {
  std::lock_guard lock(mutex_);
  const auto found = failures_.find(key);
  return found == failures_.end() ? 0 : found->second;
}

}  // namespace retort::op
