// What the operator's kube tests share: the repository's SchemaVersion CRD (crds/), installed on
// the test control plane and usable by name, with a gtest assertion on every step.
#pragma once

#include <filesystem>

namespace retort::testing {

inline const std::filesystem::path kOperatorSourceDir = RETORT_OPERATOR_SOURCE_DIR;

// Applies crds/schemaversion.yaml (idempotent) and returns once it is Established and
// discovery resolves its short name `sv`.
void installSchemaVersionCrd();

}  // namespace retort::testing
