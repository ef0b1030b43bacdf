#include "kube/relist_diff.hpp"

namespace retort::kube {

RelistResult diff_relist(const ObjectTextCache& cache,
                         std::vector<std::pair<std::string, std::string>> listed) {
  RelistResult result;
  for (auto& [key, text] : listed) {
    auto old = cache.find(key);
    if (old == cache.end()) {
      result.changes.push_back({CacheChange::Kind::Add, {}, text});
    } else if (old->second != text) {
      result.changes.push_back({CacheChange::Kind::Update, old->second, text});
    }
    result.cache.insert_or_assign(std::move(key), std::move(text));
  }
  for (const auto& [key, text] : cache) {
    if (!result.cache.contains(key)) {
      result.changes.push_back({CacheChange::Kind::Delete, {}, text});
    }
  }
  return result;
}

}  // namespace retort::kube
