// Builds the batch/v1 Job that moves one database to its target: `retort run` in the
// migrations image with the spec's policy as flags, the report on /dev/termination-log, the URL
// from the Secret as DATABASE_URL (secretKeyRef: never in the Job's spec or command line), and
// backups on the given claim. The pod runs under the restricted Pod Security profile with a
// read-only root filesystem (scratch space is an emptyDir on /tmp). A podFailurePolicy fails the
// Job at once on the permanent exit codes (1, 2, 3, 4, 6) and lets the transient one (5) count
// against backoffLimit, so it is retried. With spec.migrations.alembic the container runs the
// application image instead: an init container from the Retort image copies Retort's
// self-contained bundle (kRetortBundleSource: retort, pg_dump, pg_restore, their libraries and
// the Alembic helpers) into an emptyDir mounted at kRetortBundleMountPath, and the application
// container runs that copy with `--executor alembic`. The rehearsal Job of spec.rehearsal runs
// `retort rehearse` the same way, the scratch server's URL from its Secret as
// SCRATCH_DATABASE_URL. Pure: no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "operator/schema_version/schema_version.hpp"

namespace retort::op {

inline constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr const char* kManagedByValue = "retort-controller";
inline constexpr const char* kSchemaVersionUidLabel = "retort.dev/schemaversion-uid";
inline constexpr const char* kGenerationAnnotation = "retort.dev/generation";
inline constexpr const char* kFromRevisionsAnnotation = "retort.dev/from-revisions";
inline constexpr const char* kBackupMountPath = "/backups";
inline constexpr const char* kRetortBundleSource = "/opt/retort";  // in the Retort image
inline constexpr const char* kRetortBundleMountPath = "/retort";   // in the application image
// The rehearsal Job's scratch server URL, from spec.rehearsal.scratchDatabase's Secret; `retort
// rehearse` reads it when --scratch-url is not given.
inline constexpr const char* kScratchUrlVariable = "SCRATCH_DATABASE_URL";

// The Jobs of one move: the plan-only one (a move that plans first), the rehearsal of that plan
// on a restored copy (spec.rehearsal), and the one that applies it.
enum class MoveJob { Apply, Plan, Rehearse };

// The one name of the Job for a move: the SchemaVersion's name (shortened to fit), the
// generation and a hash of the sorted heads the move starts from. The same move always gets the
// same name, so a restarted controller or a new leader finds the Job instead of adding one, and
// a drift repair at the same generation (other starting heads) is a new name. At most 63
// characters, so it is also valid as the job-name label.
// A move that plans first (spec.plansFirst()) has more Jobs: the plan-only one, named with a
// "-plan" suffix, the rehearsal ("-rehearse") and the one that applies the approved plan.
// `planAttempt` (status.planAttempt) gives them new names when an approved plan no longer
// matched and the move is planned again.
std::string migrationJobName(const std::string& schemaVersionName, std::int64_t generation,
                             std::vector<std::string> fromRevisions, std::int64_t planAttempt = 0,
                             MoveJob job = MoveJob::Apply);

// How the Job runs: `retort run`, with --plan-only (change nothing, report the plan), or
// `retort rehearse`; --expect-plan HASH refuses unless the plan is still the approved one.
struct MigrationRun {
  MoveJob job = MoveJob::Apply;
  std::string expectPlan;
};

// The controller owner reference to the SchemaVersion, for everything it creates (the Jobs, the
// plan's ConfigMap), so that they are deleted with it.
nlohmann::json ownedBy(const SchemaVersion& schemaVersion);

// What the names of the Job's pods start with: the Job controller generates them from
// "<jobName>-", cut to 58 characters (the API server's generateName limit: 63 less a 5-character
// suffix), so a 63-character Job name gives pods named after its first 57 characters.
std::string podNamePrefix(const std::string& jobName);

// The arguments after the image's entry point: -d PATH run TARGET flags... (with
// spec.migrations.alembic: -d <alembic.path> ... --executor alembic --python PYTHON; for the
// rehearsal: -d PATH rehearse flags... with spec.rehearsal's budgets).
std::vector<std::string> retortRunArguments(const SchemaVersionSpec& spec, const std::string& runId,
                                            const MigrationRun& run = {});

nlohmann::json buildMigrationJob(const SchemaVersion& schemaVersion, const std::string& jobName,
                                 const std::vector<std::string>& fromRevisions,
                                 const MigrationRun& run = {});

}  // namespace retort::op
