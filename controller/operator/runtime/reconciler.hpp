// What a controller implements: reconcile one key toward its desired state. A normal return
// may ask to be called again after a delay (requeueAfter); any exception is retried with the
// key's exponential backoff, except TerminalError, which means retrying cannot help (the object
// itself is wrong) and is recorded without a retry, and StaleObject, which is retried the same
// way but counted as a requeue: a write refused because the cached copy was older than the
// server's (a 409) is how optimistic concurrency works, not a failure to alert on. Reconcile must
// be idempotent: it is called for every change, on resync, and again after failures.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "operator/runtime/clock.hpp"

namespace retort::op {

struct ReconcileResult {
  std::optional<Duration> requeueAfter;
};

class TerminalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class StaleObject : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;
  virtual ReconcileResult reconcile(const std::string& key) = 0;
};

}  // namespace retort::op
