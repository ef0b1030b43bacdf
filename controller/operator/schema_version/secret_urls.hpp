// The database URLs read from Secrets (spec.database.secretRef, spec.rehearsal.scratchDatabase),
// kept for kSecretReuse. The controller may only GET Secrets (the RBAC grants no list or watch),
// so without this every drift check and every move would cost the API server a GET; with it a
// Secret costs one GET per kSecretReuse. The drift checker connects with the URL kept and reads
// it again at once when a check with it fails (a rotated password); a move takes a URL kept as
// proof that the Secret and its key exist (move_inputs.hpp) unless its last run failed. A read
// that finds the Secret or key missing drops what was kept. Thread-safe: the drift checker's
// thread and the reconcile workers share one. URLs are kept in memory only, never logged.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "kube/api.hpp"
#include "operator/runtime/clock.hpp"
#include "operator/schema_version/database_secret.hpp"
#include "operator/schema_version/schema_version.hpp"

namespace retort::op {

inline constexpr std::chrono::hours kSecretReuse{1};

class SecretUrls {
 public:
  SecretUrls(std::shared_ptr<const kube::Api> client, std::shared_ptr<const Clock> clock);

  struct Read {
    DatabaseSecret secret;
    bool reused = false;  // the URL kept, no GET made
  };
  // The URL kept for ns/ref if younger than kSecretReuse and `fresh` is false; else the
  // Secret's GET (readSecretUrl, `field` names the reference in its problem), whose URL is kept.
  Read read(const std::string& ns, const SecretKeyRef& ref, const std::string& field,
            bool fresh = false);
  // Drops the URLs older than kSecretReuse (a Secret no object uses any more).
  void prune();
  std::size_t size() const;

 private:
  struct Kept {
    std::string url;
    TimePoint readAt{};
  };
  std::shared_ptr<const kube::Api> client_;
  std::shared_ptr<const Clock> clock_;
  mutable std::mutex mutex_;
  std::map<std::string, Kept> kept_;  // by namespace/Secret/key
};

}  // namespace retort::op
