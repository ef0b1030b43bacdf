#include "operator/schema_version/transient_backoff.hpp"

#include "operator/schema_version/decide.hpp"

namespace retort::op {

void TransientBackoff::recordFailure(const std::string& key, const std::string& jobUid) {
  std::lock_guard lock(mutex_);
  State& state = states_[key];
  if (state.failures > 0 && state.lastJobUid == jobUid) return;
  state.lastJobUid = jobUid;
  state.notBefore = clock_->now() + transientRetryDelay(state.failures);
  ++state.failures;
}

std::optional<Duration> TransientBackoff::remaining(const std::string& key) const {
  std::lock_guard lock(mutex_);
  const auto found = states_.find(key);
  if (found == states_.end()) return std::nullopt;
  const Duration left = found->second.notBefore - clock_->now();
  if (left <= Duration::zero()) return std::nullopt;
  return left;
}

int TransientBackoff::failures(const std::string& key) const {
  std::lock_guard lock(mutex_);
  const auto found = states_.find(key);
  return found == states_.end() ? 0 : found->second.failures;
}

void TransientBackoff::reset(const std::string& key) {
  std::lock_guard lock(mutex_);
  states_.erase(key);
}

}  // namespace retort::op
