#include "operator/runtime/work_queue.hpp"

#include <algorithm>

namespace retort::op {

WorkQueue::WorkQueue(std::shared_ptr<const Clock> clock, Duration backoffBase, Duration backoffMax)
    : clock_(std::move(clock)), limiter_(backoffBase, backoffMax) {}

void WorkQueue::add(const std::string& key) {
  {
    std::lock_guard lock(mutex_);
    addLocked(key);
  }
  cv_.notify_one();
}

void WorkQueue::pushLocked(const std::string& key) {
  queue_.push_back(key);
  queuedAt_.emplace(key, clock_->now());
  if (observer_) observer_->depth(queue_.size());
}

void WorkQueue::addLocked(const std::string& key) {
  if (shuttingDown_) return;
  if (observer_) observer_->added();
  waiting_.erase(key);  // an immediate add supersedes any delayed one
  if (!dirty_.insert(key).second) return;
  if (processing_.count(key)) return;  // done() queues it again
  pushLocked(key);
}

void WorkQueue::addAfter(const std::string& key, Duration delay) {
  if (delay <= Duration::zero()) return add(key);
  {
    std::lock_guard lock(mutex_);
    if (shuttingDown_) return;
    const TimePoint due = clock_->now() + delay;
    auto [it, inserted] = waiting_.emplace(key, due);
    if (!inserted && due < it->second) it->second = due;
  }
  cv_.notify_one();
}

void WorkQueue::addRateLimited(const std::string& key) {
  {
    std::lock_guard lock(mutex_);
    if (observer_ && !shuttingDown_) observer_->retried();
  }
  addAfter(key, limiter_.when(key));
}

void WorkQueue::forget(const std::string& key) {
  limiter_.forget(key);
}

int WorkQueue::numRequeues(const std::string& key) const {
  return limiter_.numRequeues(key);
}

void WorkQueue::promoteDueLocked() {
  const TimePoint now = clock_->now();
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (it->second <= now) {
      const std::string key = it->first;
      it = waiting_.erase(it);
      if (observer_) observer_->added();
      if (dirty_.insert(key).second && !processing_.count(key)) pushLocked(key);
    } else {
      ++it;
    }
  }
}

std::optional<std::string> WorkQueue::popLocked() {
  if (queue_.empty()) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  processing_.insert(key);
  dirty_.erase(key);
  const auto queuedAt = queuedAt_.find(key);
  if (queuedAt != queuedAt_.end()) {
    if (observer_) observer_->waited(clock_->now() - queuedAt->second);
    queuedAt_.erase(queuedAt);
  }
  if (observer_) observer_->depth(queue_.size());
  return key;
}

std::optional<std::string> WorkQueue::tryGet() {
  std::lock_guard lock(mutex_);
  promoteDueLocked();
  return popLocked();
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock lock(mutex_);
  for (;;) {
    promoteDueLocked();
    if (!queue_.empty()) return popLocked();
    if (shuttingDown_) return std::nullopt;
    if (waiting_.empty()) {
      cv_.wait(lock);
      continue;
    }
    TimePoint earliest = TimePoint::max();
    for (const auto& [key, due] : waiting_) earliest = std::min(earliest, due);
    // The clock may be fake, so wait for the real duration it reports, then re-read it.
    cv_.wait_for(lock, earliest - clock_->now());
  }
}

void WorkQueue::done(const std::string& key) {
  {
    std::lock_guard lock(mutex_);
    processing_.erase(key);
    if (dirty_.count(key)) pushLocked(key);
  }
  cv_.notify_one();
}

void WorkQueue::shutDown() {
  {
    std::lock_guard lock(mutex_);
    shuttingDown_ = true;
  }
  cv_.notify_all();
}

bool WorkQueue::shuttingDown() const {
  std::lock_guard lock(mutex_);
  return shuttingDown_;
}

void WorkQueue::wake() {
  cv_.notify_all();
}

std::size_t WorkQueue::length() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::size_t WorkQueue::waitingLength() const {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

std::optional<TimePoint> WorkQueue::dueTime(const std::string& key) const {
  std::lock_guard lock(mutex_);
  const auto found = waiting_.find(key);
  if (found == waiting_.end()) return std::nullopt;
  return found->second;
}

}  // namespace retort::op
