// What a relist means to an informer's handlers: the difference between the cache it had and a
// fresh, complete list of the resource. An object only in the list is an add; one in both whose
// text changed is an update (old and new); one only in the cache was deleted while the informer
// was not watching. Objects are compared as the informer caches them, compact JSON text: the
// text holds the resourceVersion, and one resourceVersion always serializes the same, so equal
// text means nothing changed. Pure: the informer applies the result under its lock and queues
// the changes.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace retort::kube {

// An informer's cache: each object's compact JSON text by object_key ("namespace/name"); less<>
// lets a key prefix (a string_view) find its range without a copy.
using ObjectTextCache = std::map<std::string, std::string, std::less<>>;

struct CacheChange {
  enum class Kind { Add, Update, Delete };
  Kind kind;
  std::string old_object;  // Update: the cached text; otherwise empty
  std::string object;      // Add, Update: the listed text; Delete: the cached one
};

struct RelistResult {
  ObjectTextCache cache;  // the list's objects
  // Adds and updates in the list's order, then deletes in key order.
  std::vector<CacheChange> changes;
};

// `listed`: (object_key, text) of every listed object, in the list's order.
RelistResult diff_relist(const ObjectTextCache& cache,
                         std::vector<std::pair<std::string, std::string>> listed);

}  // namespace retort::kube
