// The loop that feeds keys from a WorkQueue to a Reconciler. processNextItem() handles one key
// and catches every error, so one bad object cannot stop a worker: success forgets the key's
// backoff (and requeues it after the delay it asked for), an ordinary exception requeues it
// with backoff, a TerminalError is reported and dropped. Workers runs N threads of that loop
// until the queue shuts down. The observer sees every outcome (metrics and logs hang off it).
#pragma once

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "operator/runtime/reconciler.hpp"
#include "operator/runtime/work_queue.hpp"

namespace retort::op {

enum class ReconcileOutcome { Success, Requeue, Error, TerminalError };

const char* outcomeName(ReconcileOutcome outcome);

struct ReconcileObservation {
  std::string key;
  ReconcileOutcome outcome;
  Duration elapsed;
  std::string error;  // empty on success
};

using ReconcileObserver = std::function<void(const ReconcileObservation&)>;

// Handles one key if one is due. blocking: wait for one (get) or not (tryGet).
// Returns false when there was nothing to do (or the queue shut down).
bool processNextItem(WorkQueue& queue, Reconciler& reconciler, const Clock& clock,
                     const ReconcileObserver& observer, bool blocking);

class Workers {
 public:
  Workers(WorkQueue& queue, Reconciler& reconciler, const Clock& clock, ReconcileObserver observer);
  ~Workers();
  void start(int count);
  // Shuts the queue down and joins the threads; a reconcile in progress finishes first.
  void stop();

 private:
  WorkQueue& queue_;
  Reconciler& reconciler_;
  const Clock& clock_;
  ReconcileObserver observer_;
  std::vector<std::thread> threads_;
};

}  // namespace retort::op
