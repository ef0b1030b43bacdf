// What a relist means to an informer's handlers: the difference between the cache it had and a
// fresh, complete list of the resource. An object only in the list is an add; one in both whose
// resourceVersion changed is an update (old and new); one only in the cache was deleted while
// the informer was not watching. Objects whose resourceVersion did not change produce nothing.
// Pure: the informer applies the result under its lock and queues the changes.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace retort::kube {

struct CacheChange {
  enum class Kind { Add, Update, Delete };
  Kind kind;
  nlohmann::json old_object;  // Update: the cached object; otherwise null
  nlohmann::json object;      // Add, Update: the listed object; Delete: the cached one
};

struct RelistResult {
  std::map<std::string, nlohmann::json> cache;  // keyed by object_key: the list's objects
  // Adds and updates in the list's order, then deletes in key order.
  std::vector<CacheChange> changes;
};

RelistResult diff_relist(const std::map<std::string, nlohmann::json>& cache,
                         nlohmann::json listed_items);

}  // namespace retort::kube
