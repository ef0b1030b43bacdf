#include "operator/schema_version/move_inputs.hpp"

#include <string>
#include <vector>

#include "kube/api_error.hpp"
#include "operator/schema_version/database_secret.hpp"

namespace retort::op {

std::optional<MoveRefusal> checkMoveInputs(const kube::Api& api, const SchemaVersion& sv,
                                           MoveJob job) {
  const DatabaseSecret secret = readDatabaseSecret(api, sv);
  if (secret.missing) return MoveRefusal{"DatabaseSecretMissing", secret.problem, false};
  if (job == MoveJob::Rehearse) {
    const DatabaseSecret scratch = readSecretUrl(api, sv.ns, sv.spec.rehearsal.scratchDatabase,
                                                 "spec.rehearsal.scratchDatabase");
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
