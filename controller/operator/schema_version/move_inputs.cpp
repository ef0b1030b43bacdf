#include "operator/schema_version/move_inputs.hpp"

#include <string>
#include <vector>

#include "kube/api_error.hpp"

namespace retort::op {

std::optional<MoveRefusal> checkMoveInputs(const kube::Api& api, SecretUrls& secrets,
                                           const SchemaVersion& sv, MoveJob job) {
  // After a failed run the Secret may be what failed it: no URL kept stands in for it then.
  const bool fresh = sv.status.lastRun && !isSuccessOutcome(sv.status.lastRun->outcome);
  const DatabaseSecret secret =
      secrets.read(sv.ns, sv.spec.database, "spec.database", fresh).secret;
  if (secret.missing) return MoveRefusal{"DatabaseSecretMissing", secret.problem, false};
  if (job == MoveJob::Rehearse) {
    const DatabaseSecret scratch =
        secrets
            .read(sv.ns, sv.spec.rehearsal.scratchDatabase, "spec.rehearsal.scratchDatabase", fresh)
            .secret;
    if (scratch.missing) return MoveRefusal{"ScratchSecretMissing", scratch.problem, false};
  }
  const std::vector<std::string>& configMaps = sv.spec.migrations.configMaps;
  for (std::size_t i = 0; i < configMaps.size(); ++i) {
    try {
      api.get(kube::resources::config_maps(), sv.ns, configMaps[i]);
    } catch (const kube::ApiError& error) {
      if (!error.is_not_found()) continue;
      return MoveRefusal{"ScriptsConfigMapMissing",
                         "ConfigMap " + sv.ns + "/" + configMaps[i] +
                             " not found (spec.migrations.configMaps[" + std::to_string(i) + "])",
                         false};
    }
  }
  return std::nullopt;
}

}  // namespace retort::op
