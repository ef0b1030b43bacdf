// Per-key exponential backoff for failed reconciles (client-go's
// ItemExponentialFailureRateLimiter): the n-th consecutive failure of a key waits base * 2^(n-1),
// capped at max; forget() resets the key after a success. Pure arithmetic: it never sleeps and
// holds no clock.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "operator/runtime/clock.hpp"

namespace retort::op {

class ItemExponentialRateLimiter {
 public:
  ItemExponentialRateLimiter(Duration base = std::chrono::milliseconds(5),
                             Duration max = std::chrono::seconds(300));

  // Records one more failure of key and returns how long to wait before retrying it.
  Duration when(const std::string& key);
  void forget(const std::string& key);
  int numRequeues(const std::string& key) const;

 private:
  Duration base_;
  Duration max_;
  mutable std::mutex mutex_;
  std::map<std::string, int> failures_;
};

}  // namespace retort::op
