#include "engine/rehearsal/step_record.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace retort::engine::rehearsal {
namespace {

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string padded(std::string text, size_t width, bool right = false) {
  if (text.size() >= width) return text;
  std::string pad(width - text.size(), ' ');
  return right ? pad + text : text + pad;
}

const char* stateName(StepRecord::State state) {
  switch (state) {
    case StepRecord::State::Succeeded:
      return "ok";
    case StepRecord::State::Failed:
      return "FAILED";
    case StepRecord::State::NotRun:
      break;
  }
  return "not run";
}

}  // namespace

double StepRecord::lockWaitSeconds() const {
  double total = 0;
  for (const LockWait& w : lockWaits) total += w.seconds;
  return total;
}

void LockWaitTally::sample(std::chrono::steady_clock::time_point time,
                           const std::optional<LockWaitKey>& wait) {
  if (current_ && (!wait || !(*wait == *current_))) {
    double seconds = std::chrono::duration<double>(last_ - first_ + interval_).count();
    auto same = std::find_if(done_.begin(), done_.end(),
                             [&](const LockWait& w) { return w.key == *current_; });
    if (same != done_.end()) {
      same->seconds += seconds;
    } else {
      done_.push_back({*current_, seconds});
    }
    current_.reset();
  }
  if (wait) {
    if (!current_) {
      current_ = wait;
      first_ = time;
    }
    last_ = time;
  }
}

std::vector<LockWait> LockWaitTally::waits() const {
  LockWaitTally copy = *this;
  copy.sample(last_, std::nullopt);  // closes a wait still open at the last sample
  std::vector<LockWait> out = copy.done_;
  std::stable_sort(out.begin(), out.end(),
                   [](const LockWait& a, const LockWait& b) { return a.seconds > b.seconds; });
  return out;
}

std::vector<size_t> slowestSteps(const std::vector<StepRecord>& steps, size_t count) {
  std::vector<size_t> ran;
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i].state != StepRecord::State::NotRun) ran.push_back(i);
  std::stable_sort(ran.begin(), ran.end(),
                   [&](size_t a, size_t b) { return steps[a].seconds > steps[b].seconds; });
  if (ran.size() > count) ran.resize(count);
  return ran;
}

std::optional<BudgetBreach> checkBudget(const std::vector<StepRecord>& steps,
                                        const Budget& budget) {
  auto over = [&](std::optional<double> limit, auto measure, const std::string& reason,
                  const std::string& what) -> std::optional<BudgetBreach> {
    if (!limit) return std::nullopt;
    double total = 0;
    for (size_t i = 0; i < steps.size(); ++i) {
      total += measure(steps[i]);
      if (total <= *limit) continue;
      const StepRecord& s = steps[i];
      return BudgetBreach{reason, i,
                          "the rehearsal's " + what + " went over the budget of " +
                              fixed(*limit, 1) + " s at step " + std::to_string(i + 1) + " (" +
                              s.revision + ", " + s.file + "): " + fixed(total, 3) +
                              " s by the end of that step, of which the step took " +
                              fixed(measure(s), 3) + " s"};
    }
    return std::nullopt;
  };
  if (auto breach = over(
          budget.maxSeconds, [](const StepRecord& s) { return s.seconds; }, "OverTimeBudget",
          "migration time"))
    return breach;
  return over(
      budget.maxLockWaitSeconds, [](const StepRecord& s) { return s.lockWaitSeconds(); },
      "OverLockWaitBudget", "lock waits");
}

std::string describeLockWait(const LockWaitKey& key) {
  std::string out = (key.mode.empty() ? std::string("a lock") : key.mode) + " on " + key.lockType;
  if (!key.relation.empty()) out += " " + key.relation;
  return out;
}

std::string renderStepTable(const std::vector<StepRecord>& steps) {
  std::string out = padded("#", 4) + padded("revision", 14) + padded("way", 10) +
                    padded("seconds", 10, true) + padded("rows", 12, true) +
                    padded("lock wait s", 13, true) + "  " + padded("state", 8) + "file\n";
  double seconds = 0, lockWait = 0;
  long long rows = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    const StepRecord& s = steps[i];
    bool ran = s.state != StepRecord::State::NotRun;
    seconds += s.seconds;
    lockWait += s.lockWaitSeconds();
    rows += s.rows.value_or(0);
    out += padded(std::to_string(i + 1), 4) + padded(s.revision, 14) + padded(s.way, 10) +
           padded(ran ? fixed(s.seconds, 3) : "-", 10, true) +
           padded(s.rows ? std::to_string(*s.rows) : "-", 12, true) +
           padded(ran ? fixed(s.lockWaitSeconds(), 3) : "-", 13, true) + "  " +
           padded(stateName(s.state), 8) + s.file + "\n";
    for (const LockWait& w : s.lockWaits)
      out += "      waited " + fixed(w.seconds, 3) + " s for " + describeLockWait(w.key) + "\n";
  }
  out += padded("", 4) + padded("total", 24) + padded(fixed(seconds, 3), 10, true) +
         padded(std::to_string(rows), 12, true) + padded(fixed(lockWait, 3), 13, true) + "\n";
  return out;
}

}  // namespace retort::engine::rehearsal
