#include "operator/schema_version/secret_urls.hpp"

#include <utility>

namespace retort::op {

SecretUrls::SecretUrls(std::shared_ptr<const kube::Api> client, std::shared_ptr<const Clock> clock)
    : client_(std::move(client)), clock_(std::move(clock)) {}

SecretUrls::Read SecretUrls::read(const std::string& ns, const SecretKeyRef& ref,
                                  const std::string& field, bool fresh) {
  const std::string key = ns + "/" + ref.name + "/" + ref.key;
  if (!fresh) {
    std::lock_guard lock(mutex_);
    const auto found = kept_.find(key);
    if (found != kept_.end() && clock_->now() - found->second.readAt < kSecretReuse)
      return {{found->second.url, "", false}, true};
  }
  // The GET outside the lock: the other thread's reads of kept URLs do not wait on it.
  DatabaseSecret secret = readSecretUrl(*client_, ns, ref, field);
  std::lock_guard lock(mutex_);
  if (secret.problem.empty())
    kept_.insert_or_assign(key, Kept{secret.url, clock_->now()});
  else
    kept_.erase(key);
  return {std::move(secret), false};
}

void SecretUrls::prune() {
  std::lock_guard lock(mutex_);
  const TimePoint now = clock_->now();
  std::erase_if(kept_,
                [&](const auto& entry) { return now - entry.second.readAt >= kSecretReuse; });
}

std::size_t SecretUrls::size() const {
  std::lock_guard lock(mutex_);
  return kept_.size();
}

}  // namespace retort::op
