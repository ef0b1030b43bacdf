// An in-memory Api (kube/api.hpp) for unit tests of the code above the wire: objects keyed by
// resource, namespace and name, each write bumping a cluster-wide resourceVersion; update is
// conditional on metadata.resourceVersion (409 Conflict when stale), as on a real server. A
// test can make the next requests fail (fail_next), change objects behind the caller's back
// (put, erase) and see what was asked (calls). watch() blocks until the caller cancels it, or
// throws what the test queued with fail_next_watch, so an informer on it only ever lists.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "kube/api.hpp"
#include "kube/api_error.hpp"
#include "kube/object_key.hpp"

namespace retort::kube::testing {

class FakeApi final : public Api {
 public:
  // Stores the object as is (a new resourceVersion) and returns the stored copy.
  nlohmann::json put(const Resource& resource, const std::string& ns, nlohmann::json object) {
    std::lock_guard lock(mutex_);
    return store(resource, ns, std::move(object));
  }
  void erase(const Resource& resource, const std::string& ns, const std::string& name) {
    std::lock_guard lock(mutex_);
    objects_.erase({resource.plural, ns, name});
  }
  std::optional<nlohmann::json> find(const Resource& resource, const std::string& ns,
                                     const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto it = objects_.find({resource.plural, ns, name});
    if (it == objects_.end()) return std::nullopt;
    return it->second;
  }

  // The next `count` requests (any verb but watch) throw `error`.
  void fail_next(int count, std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    for (int i = 0; i < count; ++i) failures_.push_back(error);
  }
  // Requests keep failing with `error` until cleared (nullptr).
  void fail_always(std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    always_fail_ = std::move(error);
  }
  void fail_next_watch(std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    watch_failures_.push_back(std::move(error));
  }
  // Ends the watches open now with `error` (410 Expired, a dropped connection).
  void break_watches(std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    break_error_ = std::move(error);
    ++break_generation_;
    watch_cv_.notify_all();
  }

  // Verbs seen so far, e.g. "get", "list", "create", "update", "patch", "delete", "watch".
  std::vector<std::string> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::size_t count(const std::string& verb) const {
    std::size_t n = 0;
    for (const auto& call : calls()) n += call == verb ? 1 : 0;
    return n;
  }

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // plural, namespace, name

  static ApiError error(int code, const std::string& reason, const std::string& what) {
    return ApiError(code, reason, what, {}, "fake");
  }

  // Records the call and throws a queued failure; the caller holds mutex_.
  void begin(const std::string& verb) const {
    calls_.push_back(verb);
    if (always_fail_) std::rethrow_exception(always_fail_);
    if (!failures_.empty()) {
      std::exception_ptr next = failures_.front();
      failures_.pop_front();
      std::rethrow_exception(next);
    }
  }

  nlohmann::json store(const Resource& resource, const std::string& ns,
                       nlohmann::json object) const {
    object["metadata"]["resourceVersion"] = std::to_string(++revision_);
    if (resource.namespaced) object["metadata"]["namespace"] = ns;
    objects_[{resource.plural, ns, object_name(object)}] = object;
    return object;
  }

  nlohmann::json do_get(const Resource& resource, std::string_view ns, std::string_view name,
                        bool) const override {
    std::lock_guard lock(mutex_);
    begin("get");
    auto it = objects_.find({resource.plural, std::string(ns), std::string(name)});
    if (it == objects_.end()) throw error(404, "NotFound", std::string(name) + " not found");
    return it->second;
  }
  ObjectList do_list(const Resource& resource, std::string_view ns, const ListOptions&,
                     const pplx::cancellation_token&) const override {
    std::lock_guard lock(mutex_);
    begin("list");
    ObjectList list;
    for (const auto& [key, object] : objects_) {
      if (std::get<0>(key) == resource.plural && (ns.empty() || std::get<1>(key) == ns)) {
        list.items.push_back(object);
      }
    }
    list.resource_version = std::to_string(revision_);
    return list;
  }
  nlohmann::json do_create(const Resource& resource, std::string_view ns,
                           const nlohmann::json& object) const override {
    std::lock_guard lock(mutex_);
    begin("create");
    if (objects_.contains({resource.plural, std::string(ns), object_name(object)})) {
      throw error(409, "AlreadyExists", object_name(object) + " already exists");
    }
    return store(resource, std::string(ns), object);
  }
  nlohmann::json do_update(const Resource& resource, std::string_view ns,
                           const nlohmann::json& object, bool) const override {
    std::lock_guard lock(mutex_);
    begin("update");
    auto it = objects_.find({resource.plural, std::string(ns), required_name(object)});
    if (it == objects_.end()) throw error(404, "NotFound", object_name(object) + " not found");
    const std::string expected = resource_version(object);
    if (!expected.empty() && expected != resource_version(it->second)) {
      throw error(409, "Conflict", "the object has been modified");
    }
    return store(resource, std::string(ns), object);
  }
  nlohmann::json do_patch(const Resource& resource, std::string_view ns, std::string_view name,
                          PatchType, const nlohmann::json& patch, const PatchOptions&,
                          bool) const override {
    std::lock_guard lock(mutex_);
    begin("patch");
    auto it = objects_.find({resource.plural, std::string(ns), std::string(name)});
    if (it == objects_.end()) throw error(404, "NotFound", std::string(name) + " not found");
    nlohmann::json patched = it->second;
    patched.merge_patch(patch);
    return store(resource, std::string(ns), patched);
  }
  nlohmann::json do_remove(const Resource& resource, std::string_view ns, std::string_view name,
                           PropagationPolicy, const std::optional<std::string>&) const override {
    std::lock_guard lock(mutex_);
    begin("delete");
    auto it = objects_.find({resource.plural, std::string(ns), std::string(name)});
    if (it == objects_.end()) throw error(404, "NotFound", std::string(name) + " not found");
    nlohmann::json removed = it->second;
    objects_.erase(it);
    return removed;
  }
  WatchStream do_watch(const Resource&, std::string_view, const WatchOptions&,
                       const pplx::cancellation_token& cancel) const override {
    unsigned generation = 0;
    {
      std::lock_guard lock(mutex_);
      calls_.push_back("watch");
      generation = break_generation_;
      if (!watch_failures_.empty()) {
        std::exception_ptr next = watch_failures_.front();
        watch_failures_.pop_front();
        std::rethrow_exception(next);
      }
    }
    // An idle watch: nothing happens until the caller cancels it or the test breaks it. The
    // cancellation callback runs at once,
    // on this thread, when the token is already cancelled, so it is registered unlocked.
    const auto registration = cancel.register_callback([this] {
      std::lock_guard lock(mutex_);
      watch_cv_.notify_all();
    });
    std::exception_ptr broken;
    {
      std::unique_lock lock(mutex_);
      watch_cv_.wait(lock, [&] { return cancel.is_canceled() || break_generation_ != generation; });
      if (!cancel.is_canceled()) broken = break_error_;
    }
    cancel.deregister_callback(registration);
    if (broken) std::rethrow_exception(broken);
    throw Cancelled("fake watch: cancelled");
  }

  mutable std::mutex mutex_;
  mutable std::condition_variable watch_cv_;
  // mutable: the verbs are const (Api's contract) but a fake server's state changes.
  mutable std::map<Key, nlohmann::json> objects_;
  mutable long long revision_ = 100;
  mutable std::vector<std::string> calls_;
  mutable std::deque<std::exception_ptr> failures_;
  std::exception_ptr always_fail_;
  mutable std::deque<std::exception_ptr> watch_failures_;
  std::exception_ptr break_error_;
  unsigned break_generation_ = 0;
};

}  // namespace retort::kube::testing
