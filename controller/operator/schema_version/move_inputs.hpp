// What a move's pod mounts, checked by the reconciler before it creates the Job: the database
// Secret and its key (spec.database.secretRef) and each ConfigMap of scripts
// (spec.migrations.configMaps). A missing one would leave the pod waiting (CreateContainerConfig
// or ContainerCreating) for as long as its start timeout; found here, it is reported at once as
// a MoveRefusal, DatabaseSecretMissing or ScriptsConfigMapMissing, checked again later, with no
// Job created. A Secret's URL kept from a read younger than kSecretReuse (secret_urls.hpp, the
// drift checker's reads) proves it exists, unless the object's last run failed: then the move
// reads it afresh. A Secret deleted since that read shows as the pod's CreateContainerConfigError,
// which is reported as soon as the pod says it. ConfigMaps are read on every move started. A
// failed read that is not a 404 refuses nothing: the Job is created and the pod reports what it
// finds.
#pragma once

#include <optional>

#include "kube/api.hpp"
#include "operator/schema_version/decide.hpp"
#include "operator/schema_version/schema_version.hpp"
#include "operator/schema_version/secret_urls.hpp"

namespace retort::op {

// `job`: the rehearsal Job also mounts the scratch server's Secret (ScratchSecretMissing).
std::optional<MoveRefusal> checkMoveInputs(const kube::Api& api, SecretUrls& secrets,
                                           const SchemaVersion& schemaVersion,
                                           MoveJob job = MoveJob::Apply);

}  // namespace retort::op
