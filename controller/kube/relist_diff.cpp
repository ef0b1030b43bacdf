#include "kube/relist_diff.hpp"

#include "kube/object_key.hpp"

namespace retort::kube {

RelistResult diff_relist(const std::map<std::string, nlohmann::json>& cache,
                         nlohmann::json listed_items) {
  RelistResult result;
  for (auto& item : listed_items) {
    std::string key = object_key(item);
    auto old = cache.find(key);
    if (old == cache.end()) {
      result.changes.push_back({CacheChange::Kind::Add, nullptr, item});
    } else if (resource_version(old->second) != resource_version(item)) {
      result.changes.push_back({CacheChange::Kind::Update, old->second, item});
    }
    result.cache.insert_or_assign(std::move(key), std::move(item));
  }
  for (const auto& [key, object] : cache) {
    if (!result.cache.contains(key)) {
      result.changes.push_back({CacheChange::Kind::Delete, nullptr, object});
    }
  }
  return result;
}

}  // namespace retort::kube
