// What a WorkQueue reports about itself, for metrics (client-go's workqueue metrics provider):
// the queue calls these under its own lock, so implementations must be quick and must not call
// back into the queue. The queue stays pure: it knows this interface, not Prometheus.
#pragma once

#include <cstddef>

#include "operator/runtime/clock.hpp"

namespace retort::op {

class WorkQueueObserver {
 public:
  virtual ~WorkQueueObserver() = default;
  // A key was added (every add() call, including ones the dirty set merges).
  virtual void added() = 0;
  // A failed key was queued again with backoff (addRateLimited).
  virtual void retried() = 0;
  // Keys ready to hand out, after every change.
  virtual void depth(std::size_t keys) = 0;
  // How long a key waited in the ready queue before a worker took it.
  virtual void waited(Duration queued) = 0;
};

}  // namespace retort::op
