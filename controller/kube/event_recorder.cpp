#include "kube/event_recorder.hpp"

#include <cstdio>

#include "kube/api_error.hpp"
#include "kube/micro_time.hpp"
#include "kube/object_key.hpp"
#include "kube/resource.hpp"

namespace retort::kube {
namespace {

constexpr std::size_t kMaxNote = 1024;  // the API rejects longer notes

std::string type_name(EventType type) {
  return type == EventType::Warning ? "Warning" : "Normal";
}

// The regarding ObjectReference, from the object itself.
nlohmann::json reference_to(const nlohmann::json& object) {
  nlohmann::json ref = nlohmann::json::object();
  for (const char* key : {"apiVersion", "kind"}) {
    if (object.contains(key)) ref[key] = object[key];
  }
  const auto meta = object.value("metadata", nlohmann::json::object());
  for (const char* key : {"name", "namespace", "uid", "resourceVersion"}) {
    if (meta.contains(key)) ref[key] = meta[key];
  }
  return ref;
}

// Unique per call: the regarding object's name plus the time in hex nanoseconds, as client-go.
std::string event_name(const nlohmann::json& regarding) {
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%llx", static_cast<unsigned long long>(nanos));
  std::string base = object_name(regarding);
  if (base.empty()) base = "event";
  return base.substr(0, 200) + suffix;
}

}  // namespace

EventRecorder::EventRecorder(std::shared_ptr<const Api> client, EventRecorderOptions options)
    : client_(std::move(client)), options_(std::move(options)) {}

nlohmann::json EventRecorder::create(const nlohmann::json& regarding, const std::string& ns,
                                     EventType type, std::string_view reason,
                                     std::string_view action, std::string_view note) {
  nlohmann::json event = {{"apiVersion", "events.k8s.io/v1"},
                          {"kind", "Event"},
                          {"metadata", {{"name", event_name(regarding)}, {"namespace", ns}}},
                          {"eventTime", micro_time_now()},
                          {"regarding", reference_to(regarding)},
                          {"type", type_name(type)},
                          {"reason", std::string(reason)},
                          {"action", std::string(action)},
                          {"note", std::string(note.substr(0, kMaxNote))},
                          {"reportingController", options_.reporting_controller},
                          {"reportingInstance", options_.reporting_instance}};
  return client_->create(resources::events(), ns, event);
}

void EventRecorder::remember(const std::string& key, const nlohmann::json& event) {
  lru_.push_front(key);
  tracked_[key] = Tracked{object_namespace(event), object_name(event), 1, lru_.begin()};
  while (tracked_.size() > options_.max_tracked) {
    tracked_.erase(lru_.back());
    lru_.pop_back();
  }
}

nlohmann::json EventRecorder::record(const nlohmann::json& regarding, EventType type,
                                     std::string_view reason, std::string_view action,
                                     std::string_view note) {
  std::string ns = object_namespace(regarding);
  if (ns.empty()) ns = "default";  // events about cluster-scoped objects
  const auto meta = regarding.value("metadata", nlohmann::json::object());
  const std::string key = meta.value("uid", "") + "\x1f" + ns + "\x1f" +
                          regarding.value("kind", "") + "\x1f" + object_name(regarding) + "\x1f" +
                          type_name(type) + "\x1f" + std::string(reason) + "\x1f" +
                          std::string(action) + "\x1f" + std::string(note.substr(0, kMaxNote));

  // One lock around the API call keeps concurrent repeats from each creating an Event.
  std::lock_guard lock(mutex_);
  if (auto it = tracked_.find(key); it != tracked_.end()) {
    Tracked& seen = it->second;
    lru_.splice(lru_.begin(), lru_, seen.age);
    const nlohmann::json patch = {
        {"series", {{"count", seen.count + 1}, {"lastObservedTime", micro_time_now()}}}};
    try {
      nlohmann::json updated =
          client_->patch(resources::events(), seen.ns, seen.name, PatchType::Merge, patch);
      ++seen.count;
      return updated;
    } catch (const ApiError& e) {
      if (!e.is_not_found()) throw;
      // The Event expired (events have a TTL); start a new one below.
      lru_.erase(seen.age);
      tracked_.erase(it);
    }
  }
  nlohmann::json created = create(regarding, ns, type, reason, action, note);
  remember(key, created);
  return created;
}

}  // namespace retort::kube
