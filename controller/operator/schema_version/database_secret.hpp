// A database's connection URI, read from a Secret's key (spec.database.secretRef,
// spec.rehearsal.scratchDatabase) with one GET: what SecretUrls (secret_urls.hpp) does when it
// keeps no young URL, for the drift checker and for the reconciler before it starts a move, so
// that a missing Secret or key is reported in status instead of as a pod that cannot start.
// `problem` says what is missing in words that name the Secret and key but never carry the URI.
#pragma once

#include <string>

#include "kube/api.hpp"
#include "operator/schema_version/schema_version.hpp"

namespace retort::op {

struct DatabaseSecret {
  std::string url;       // empty when problem is set
  std::string problem;   // empty: url holds the URI
  bool missing = false;  // the Secret or its key does not exist (not a failed request)
};

// `field` is the spec path of the reference, for the problem's wording ("spec.database").
DatabaseSecret readSecretUrl(const kube::Api& api, const std::string& ns, const SecretKeyRef& ref,
                             const std::string& field);

}  // namespace retort::op
