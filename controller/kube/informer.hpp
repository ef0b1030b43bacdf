// A watch-backed local cache of one resource (client-go's reflector + informer): lists, then
// watches from the list's resourceVersion with bookmarks; on a dropped stream it re-watches from
// the last version it saw, with backoff; on 410 Expired (HTTP or in-stream) it relists and
// turns the difference into add/update/delete notifications so handlers never miss a change.
// Handlers run on one dispatcher thread, in the order the changes happened, and a periodic
// resync replays every cached object as an update. stop() cancels the open request at once.
// Takes any Api (api.hpp): ApiClient in production, a fake in unit tests. An optional transform
// (client-go's SetTransform) trims every listed or watched object before it is cached and handed
// to the handlers, so the cache holds only what its readers use; the cache keeps each object as
// compact JSON text and get()/list() return parsed copies.
#pragma once

#include <pplx/pplxtasks.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "kube/api.hpp"
#include "kube/relist_diff.hpp"
#include "kube/resource.hpp"

namespace retort::kube {

struct InformerOptions {
  Resource resource;
  std::string ns;  // empty: all namespaces
  std::string label_selector;
  std::chrono::milliseconds resync_period{0};  // 0: never
  std::int64_t page_size = 500;
  // Each watch asks the server to end it after a random time in [min, 2*min], as the
  // reflector does, so that many watchers do not reconnect in step.
  int min_watch_timeout_seconds = 300;
  std::chrono::seconds watch_idle_timeout{90};
  // Applied to every object from a list or a watch event before it is cached and delivered, on
  // the reflector's thread (client-go's SetTransform). It must keep metadata.namespace, .name
  // and .resourceVersion: the cache key and the relist's change detection read them.
  std::function<void(nlohmann::json& object)> transform;
};

// The transform every cache wants (controller-runtime's TransformStripManagedFields, plus the
// client-side apply annotation): drops metadata.managedFields and the
// kubectl.kubernetes.io/last-applied-configuration annotation, which together are often larger
// than the rest of the object and which no controller reads.
void strip_for_cache(nlohmann::json& object);

struct EventHandlers {
  std::function<void(const nlohmann::json& object)> on_add;
  std::function<void(const nlohmann::json& old_object, const nlohmann::json& new_object)> on_update;
  std::function<void(const nlohmann::json& object)> on_delete;
};

class Informer {
 public:
  Informer(std::shared_ptr<const Api> client, InformerOptions options);
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Register before start().
  void add_handlers(EventHandlers handlers);
  void start();
  // Cancels the open list/watch, stops both threads and joins them. Idempotent.
  void stop();

  // True once the first list has been delivered to the handlers.
  bool has_synced() const;
  bool wait_for_sync(std::chrono::milliseconds timeout) const;

  std::optional<nlohmann::json> get(const std::string& key) const;  // "namespace/name"
  std::vector<nlohmann::json> list() const;
  // The cached objects whose "namespace/name" key starts with key_prefix, parsing only those:
  // "ns/" for one namespace, "ns/job-" for the pods a Job named them after.
  std::vector<nlohmann::json> list(std::string_view key_prefix) const;
  std::vector<std::string> keys() const;  // "namespace/name" of every cached object, no copies
  std::string last_resource_version() const;

  // Counters for tests and metrics.
  std::uint64_t list_count() const { return lists_.load(); }
  std::uint64_t watch_count() const { return watches_.load(); }

 private:
  // Objects travel to the dispatcher as their cached text and are parsed there, one at a time:
  // a first list of thousands of objects would otherwise queue thousands of parsed copies.
  struct Notification {
    enum class Kind { Add, Update, Delete, Synced } kind;
    std::string old_object;  // Update: the previous text; empty for a resync's replay (same text)
    std::string object;
  };

  void reflect();   // list/watch thread
  void dispatch();  // handler thread
  void relist(const pplx::cancellation_token& cancel);
  // Returns when the watch ended; throws ApiError (410 among others) or TransportError.
  void watch_once(const pplx::cancellation_token& cancel);
  void apply_event(WatchEvent event);
  void enqueue(Notification notification);
  bool sleep_unless_stopped(std::chrono::milliseconds delay);

  std::shared_ptr<const Api> client_;
  InformerOptions options_;
  std::vector<EventHandlers> handlers_;

  mutable std::mutex cache_mutex_;
  // Each object as compact JSON text, keyed "namespace/name". A parsed nlohmann::json costs
  // five to ten times its text in small allocations (a map node per member), and a controller's
  // cached objects sit in memory far longer than they are read: get() parses one per reconcile
  // or drift check, a few microseconds for a typical object.
  ObjectTextCache cache_;
  std::string last_rv_;

  mutable std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<Notification> queue_;

  mutable std::mutex state_mutex_;
  mutable std::condition_variable state_cv_;
  bool synced_ = false;
  bool stopping_ = false;

  pplx::cancellation_token_source cancel_source_;
  std::atomic<std::uint64_t> lists_{0};
  std::atomic<std::uint64_t> watches_{0};
  std::thread reflector_thread_;
  std::thread dispatcher_thread_;
};

}  // namespace retort::kube
