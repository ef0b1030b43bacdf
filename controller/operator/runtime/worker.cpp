#include "operator/runtime/worker.hpp"

#include <exception>

namespace retort::op {

const char* outcomeName(ReconcileOutcome outcome) {
  switch (outcome) {
    case ReconcileOutcome::Success:
      return "success";
    case ReconcileOutcome::Requeue:
      return "requeue";
    case ReconcileOutcome::Error:
      return "error";
    case ReconcileOutcome::TerminalError:
      return "terminal_error";
  }
  return "error";
}

bool processNextItem(WorkQueue& queue, Reconciler& reconciler, const Clock& clock,
                     const ReconcileObserver& observer, bool blocking) {
  const std::optional<std::string> key = blocking ? queue.get() : queue.tryGet();
  if (!key) return false;
  const TimePoint started = clock.now();
  ReconcileObservation observation{*key, ReconcileOutcome::Success, {}, {}};
  try {
    const ReconcileResult result = reconciler.reconcile(*key);
    queue.forget(*key);
    if (result.requeueAfter) {
      observation.outcome = ReconcileOutcome::Requeue;
      queue.addAfter(*key, *result.requeueAfter);
    }
  } catch (const TerminalError& error) {
    queue.forget(*key);
    observation.outcome = ReconcileOutcome::TerminalError;
    observation.error = error.what();
  } catch (const StaleObject& error) {
    queue.addRateLimited(*key);
    observation.outcome = ReconcileOutcome::Requeue;
    observation.error = error.what();
  } catch (const std::exception& error) {
    queue.addRateLimited(*key);
    observation.outcome = ReconcileOutcome::Error;
    observation.error = error.what();
  } catch (...) {
    queue.addRateLimited(*key);
    observation.outcome = ReconcileOutcome::Error;
    observation.error = "unknown exception";
  }
  queue.done(*key);
  observation.elapsed = clock.now() - started;
  if (observer) {
    try {
      observer(observation);
    } catch (...) {
      // An observer (logging, metrics) must not take the worker down.
    }
  }
  return true;
}

Workers::Workers(WorkQueue& queue, Reconciler& reconciler, const Clock& clock,
                 ReconcileObserver observer)
    : queue_(queue), reconciler_(reconciler), clock_(clock), observer_(std::move(observer)) {}

Workers::~Workers() {
  stop();
}

void Workers::start(int count) {
  for (int i = 0; i < count; ++i) {
    threads_.emplace_back([this] {
      while (processNextItem(queue_, reconciler_, clock_, observer_, true)) {
      }
    });
  }
}

void Workers::stop() {
  queue_.shutDown();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

}  // namespace retort::op
