// Records events.k8s.io/v1 Events about objects, deduplicating repeats the way client-go's
// events library does: the first occurrence of an (object, type, reason, action, note) creates
// an Event; later identical occurrences do not create new objects but PATCH the existing one's
// series (count and lastObservedTime), so a reconcile loop that fails every few seconds shows up
// as one Event with a growing count rather than flooding etcd.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "kube/api.hpp"

namespace retort::kube {

enum class EventType { Normal, Warning };

struct EventRecorderOptions {
  std::string reporting_controller;  // e.g. "retort.dev/schemaversion-controller"
  std::string reporting_instance;    // e.g. the pod name
  std::size_t max_tracked = 4096;    // distinct events remembered for deduplication
};

class EventRecorder {
 public:
  EventRecorder(std::shared_ptr<const Api> client, EventRecorderOptions options);

  // Creates or updates the Event and returns it as the server stored it. `regarding` is the
  // object the event is about (apiVersion, kind, metadata.name/namespace/uid are used). Throws
  // ApiError/TransportError; callers that treat events as best effort catch and log.
  nlohmann::json record(const nlohmann::json& regarding, EventType type, std::string_view reason,
                        std::string_view action, std::string_view note);

 private:
  struct Tracked {
    std::string ns;
    std::string name;
    std::int64_t count = 1;
    std::list<std::string>::iterator age;  // position in lru_
  };

  nlohmann::json create(const nlohmann::json& regarding, const std::string& ns, EventType type,
                        std::string_view reason, std::string_view action, std::string_view note);
  void remember(const std::string& key, const nlohmann::json& event);

  std::shared_ptr<const Api> client_;
  EventRecorderOptions options_;
  std::mutex mutex_;
  std::map<std::string, Tracked> tracked_;
  std::list<std::string> lru_;  // most recent at the front
};

}  // namespace retort::kube
