// What a move's pod mounts, checked by the reconciler before it creates the Job: the database
// Secret and its key (spec.database.secretRef) and each ConfigMap of scripts
// (spec.migrations.configMaps). A missing one would leave the pod waiting (CreateContainerConfig
// or ContainerCreating) for as long as its start timeout; found here, it is reported at once as
// a MoveRefusal, DatabaseSecretMissing or ScriptsConfigMapMissing, checked again later, with no
// Job created. One GET per object per move started, not per pass. A failed read that is not a
// 404 refuses nothing: the Job is created and the pod reports what it finds.
#pragma once

#include <optional>

#include "kube/api.hpp"
#include "operator/schema_version/decide.hpp"
#include "operator/schema_version/schema_version.hpp"

namespace retort::op {

// `job`: the rehearsal Job also mounts the scratch server's Secret (ScratchSecretMissing).
std::optional<MoveRefusal> checkMoveInputs(const kube::Api& api, const SchemaVersion& schemaVersion,
                                           MoveJob job = MoveJob::Apply);

}  // namespace retort::op
