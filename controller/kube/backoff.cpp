#include "kube/backoff.hpp"

#include <algorithm>

namespace retort::kube {

Backoff::Backoff(Duration initial, Duration max, Duration reset_after,
                 std::shared_ptr<const Clock> clock, std::uint32_t seed)
    : initial_(initial),
      max_(max),
      reset_after_(reset_after),
      clock_(std::move(clock)),
      random_(seed) {}

Backoff::Duration Backoff::next() {
  const TimePoint now = clock_->now();
  if (current_.count() == 0 || now - last_failure_ > reset_after_) {
    current_ = initial_;
  } else {
    current_ = std::min(current_ * 2, max_);
  }
  last_failure_ = now;
  // Jitter factor 1.0: wait between 1x and 2x, so that many clients do not retry in step.
  std::uniform_int_distribution<long long> jitter(0, current_.count());
  return current_ + Duration(jitter(random_));
}

void Backoff::reset() {
  current_ = Duration(0);
}

}  // namespace retort::kube
