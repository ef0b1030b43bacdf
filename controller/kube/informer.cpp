#include "kube/informer.hpp"

#include <random>
#include <utility>

#include "kube/api_error.hpp"
#include "kube/backoff.hpp"
#include "kube/log_sink.hpp"
#include "kube/object_key.hpp"
#include "kube/relist_diff.hpp"

namespace retort::kube {

void strip_for_cache(nlohmann::json& object) {
  const auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return;
  meta->erase("managedFields");
  const auto annotations = meta->find("annotations");
  if (annotations == meta->end() || !annotations->is_object()) return;
  annotations->erase("kubectl.kubernetes.io/last-applied-configuration");
  if (annotations->empty()) meta->erase(annotations);
}

namespace {

std::string serialize(const nlohmann::json& object) {
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json deserialize(const std::string& text) {
  return nlohmann::json::parse(text);
}

}  // namespace

Informer::Informer(std::shared_ptr<const Api> client, InformerOptions options)
    : client_(std::move(client)), options_(std::move(options)) {}

Informer::~Informer() {
  stop();
}

void Informer::add_handlers(EventHandlers handlers) {
  handlers_.push_back(std::move(handlers));
}

void Informer::start() {
  if (reflector_thread_.joinable()) return;
  dispatcher_thread_ = std::thread([this] { dispatch(); });
  reflector_thread_ = std::thread([this] { reflect(); });
}

void Informer::stop() {
  {
    std::lock_guard lock(state_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  cancel_source_.cancel();
  state_cv_.notify_all();
  {
    std::lock_guard lock(queue_mutex_);
    queue_cv_.notify_all();
  }
  if (reflector_thread_.joinable()) reflector_thread_.join();
  if (dispatcher_thread_.joinable()) dispatcher_thread_.join();
}

bool Informer::has_synced() const {
  std::lock_guard lock(state_mutex_);
  return synced_;
}

bool Informer::wait_for_sync(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_mutex_);
  return state_cv_.wait_for(lock, timeout, [this] { return synced_ || stopping_; }) && synced_;
}

std::optional<nlohmann::json> Informer::get(const std::string& key) const {
  std::lock_guard lock(cache_mutex_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return std::nullopt;
  return deserialize(it->second);
}

std::vector<nlohmann::json> Informer::list() const {
  return list(std::string_view());
}

std::vector<nlohmann::json> Informer::list(std::string_view key_prefix) const {
  std::lock_guard lock(cache_mutex_);
  std::vector<nlohmann::json> objects;
  for (auto it = cache_.lower_bound(key_prefix);
       it != cache_.end() && std::string_view(it->first).starts_with(key_prefix); ++it)
    objects.push_back(deserialize(it->second));
  return objects;
}

std::vector<std::string> Informer::keys() const {
  std::lock_guard lock(cache_mutex_);
  std::vector<std::string> keys;
  keys.reserve(cache_.size());
  for (const auto& [key, text] : cache_) keys.push_back(key);
  return keys;
}

std::string Informer::last_resource_version() const {
  std::lock_guard lock(cache_mutex_);
  return last_rv_;
}

bool Informer::sleep_unless_stopped(std::chrono::milliseconds delay) {
  std::unique_lock lock(state_mutex_);
  return !state_cv_.wait_for(lock, delay, [this] { return stopping_; });
}

void Informer::enqueue(Notification notification) {
  std::lock_guard lock(queue_mutex_);
  queue_.push_back(std::move(notification));
  queue_cv_.notify_one();
}

void Informer::relist(const pplx::cancellation_token& cancel) {
  // Page by page, each page transformed and serialized before the next one is read: parsed
  // objects are what costs memory, so at most one page of them is alive at a time (one list of
  // every object, parsed, was the controller's peak, and glibc kept that peak afterwards).
  ListOptions list_options;
  list_options.label_selector = options_.label_selector;
  // resourceVersion "" = a consistent read from etcd, never older than what we had.
  std::vector<std::pair<std::string, std::string>> fresh;  // key and text, in list order
  std::string list_version =
      client_->list_pages(options_.resource, options_.ns, list_options, options_.page_size, cancel,
                          [&](ObjectList& page) {
                            for (auto& item : page.items) {
                              if (options_.transform) options_.transform(item);
                              std::string key = object_key(item);
                              fresh.emplace_back(std::move(key), serialize(item));
                            }
                          });
  ++lists_;
  std::lock_guard lock(cache_mutex_);
  RelistResult diff = diff_relist(cache_, std::move(fresh));
  for (auto& change : diff.changes) {
    const auto kind = change.kind == CacheChange::Kind::Add      ? Notification::Kind::Add
                      : change.kind == CacheChange::Kind::Update ? Notification::Kind::Update
                                                                 : Notification::Kind::Delete;
    enqueue({kind, std::move(change.old_object), std::move(change.object)});
  }
  cache_ = std::move(diff.cache);
  last_rv_ = std::move(list_version);
}

void Informer::apply_event(WatchEvent event) {
  if (options_.transform && event.type != WatchEvent::Type::Bookmark) {
    options_.transform(event.object);
  }
  std::lock_guard lock(cache_mutex_);
  if (std::string rv = resource_version(event.object); !rv.empty()) last_rv_ = rv;
  if (event.type == WatchEvent::Type::Bookmark) return;
  const std::string key = object_key(event.object);
  auto it = cache_.find(key);
  if (event.type == WatchEvent::Type::Deleted) {
    if (it != cache_.end()) cache_.erase(it);
    enqueue({Notification::Kind::Delete, {}, serialize(event.object)});
    return;
  }
  std::string text = serialize(event.object);
  if (it == cache_.end()) {
    cache_.emplace(key, text);
    enqueue({Notification::Kind::Add, {}, std::move(text)});
  } else {
    std::string old_text = std::exchange(it->second, text);
    enqueue({Notification::Kind::Update, std::move(old_text), std::move(text)});
  }
}

void Informer::watch_once(const pplx::cancellation_token& cancel) {
  static thread_local std::mt19937 random{std::random_device{}()};
  const int min_timeout = std::max(1, options_.min_watch_timeout_seconds);
  std::uniform_int_distribution<int> timeout(min_timeout, 2 * min_timeout);
  WatchOptions watch_options;
  watch_options.resource_version = last_resource_version();
  watch_options.label_selector = options_.label_selector;
  watch_options.timeout_seconds = timeout(random);
  watch_options.idle_timeout = options_.watch_idle_timeout;
  WatchStream stream = client_->watch(options_.resource, options_.ns, watch_options, cancel);
  ++watches_;
  while (auto event = stream.next()) apply_event(std::move(*event));
}

void Informer::reflect() {
  const pplx::cancellation_token cancel = cancel_source_.get_token();
  Backoff backoff;
  bool need_list = true;
  for (;;) {
    {
      std::lock_guard lock(state_mutex_);
      if (stopping_) return;
    }
    try {
      if (need_list) {
        relist(cancel);
        need_list = false;
        if (lists_ == 1) enqueue({Notification::Kind::Synced, {}, {}});
      }
      watch_once(cancel);
      backoff.reset();  // a normal end (timeoutSeconds): re-watch at once
      continue;
    } catch (const Cancelled&) {
      return;
    } catch (const ApiError& e) {
      if (e.is_expired()) {
        log(LogLevel::Info, options_.resource.plural + ": resourceVersion expired, relisting");
        need_list = true;
        continue;
      }
      log(LogLevel::Warning, std::string("informer ") + options_.resource.plural + ": " + e.what());
    } catch (const std::exception& e) {
      log(LogLevel::Warning, std::string("informer ") + options_.resource.plural + ": " + e.what());
    }
    if (!sleep_unless_stopped(backoff.next())) return;
  }
}

void Informer::dispatch() {
  auto next_resync = std::chrono::steady_clock::now() + options_.resync_period;
  for (;;) {
    Notification notification;
    {
      std::unique_lock lock(queue_mutex_);
      auto ready = [this] {
        std::lock_guard state(state_mutex_);
        return !queue_.empty() || stopping_;
      };
      if (options_.resync_period.count() > 0) {
        queue_cv_.wait_until(lock, next_resync, ready);
      } else {
        queue_cv_.wait(lock, ready);
      }
      {
        std::lock_guard state(state_mutex_);
        if (stopping_) return;
      }
      if (queue_.empty()) {
        // Resync: replay the cache as updates so level-based handlers re-check everything.
        next_resync = std::chrono::steady_clock::now() + options_.resync_period;
        lock.unlock();
        std::vector<std::string> texts;
        {
          std::lock_guard cache_lock(cache_mutex_);
          for (const auto& [key, text] : cache_) texts.push_back(text);
        }
        for (auto& text : texts) enqueue({Notification::Kind::Update, {}, std::move(text)});
        continue;
      }
      notification = std::move(queue_.front());
      queue_.pop_front();
    }
    if (notification.kind == Notification::Kind::Synced) {
      std::lock_guard lock(state_mutex_);
      synced_ = true;
      state_cv_.notify_all();
      continue;
    }
    const nlohmann::json object = deserialize(notification.object);
    // An Update's previous version; a resync replays the cached text as its own old version.
    const nlohmann::json changed_from =
        notification.old_object.empty() ? nlohmann::json() : deserialize(notification.old_object);
    const nlohmann::json& old_object = notification.old_object.empty() ? object : changed_from;
    for (const auto& handlers : handlers_) {
      try {
        switch (notification.kind) {
          case Notification::Kind::Add:
            if (handlers.on_add) handlers.on_add(object);
            break;
          case Notification::Kind::Update:
            if (handlers.on_update) handlers.on_update(old_object, object);
            break;
          case Notification::Kind::Delete:
            if (handlers.on_delete) handlers.on_delete(object);
            break;
          case Notification::Kind::Synced:
            break;
        }
      } catch (const std::exception& e) {
        log(LogLevel::Error, std::string("informer handler threw: ") + e.what());
      }
    }
  }
}

}  // namespace retort::kube
