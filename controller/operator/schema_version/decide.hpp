// The SchemaVersion state machine as one pure function: from what the controller observed (the
// object, the Job of the current move if it exists, a fresh read of the database's heads if one
// was made) to what it must do (the status to have, a Job to create or delete, Events to record,
// when to look again). The reconciler is a thin shell that gathers the observation and carries
// out the decision; every rule of the controller lives here and is unit-tested.
//
// A move is (generation, heads it starts from). Its Job has one deterministic name
// (migrationJobName); a move whose Job already ran to a final outcome is never started again,
// even after the Job was garbage-collected, because status.lastRun remembers its name. A move
// whose spec plans first (approval, promotion, plan mode, rehearsal) runs a plan-only Job,
// records and publishes the plan, with spec.rehearsal runs the plan on a restored copy (the
// rehearsal Job, the Rehearsal gate's), and starts the Job that applies it (with --expect-plan)
// only once every gate (gates.hpp) is open.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "operator/runtime/clock.hpp"
#include "operator/schema_version/gate.hpp"
#include "operator/schema_version/job_builder.hpp"
#include "operator/schema_version/job_status.hpp"
#include "operator/schema_version/schema_version.hpp"

namespace retort::op {

struct DriftObservation {
  std::vector<std::string> heads;  // as read from the version table
  std::string error;               // non-empty: the read failed (reported, not fatal)
};

// Found by the reconciler when decide() asked it to start a move, and handed back: the move
// cannot start. DatabaseSecretMissing or ScriptsConfigMapMissing (what the pod would mount
// does not exist; checked again later, no Job is created) or InvalidJobSpec (the API server
// refused the Job; final for this move, as no retry can heal it).
struct MoveRefusal {
  std::string reason;
  std::string message;
  bool final = false;
};

struct Observation {
  SchemaVersion schemaVersion;
  std::optional<JobObservation> job;  // the Job named currentMoveJobName(), if it exists
  std::optional<DriftObservation> drift;
  std::string now;  // RFC 3339, for lastTransitionTime
  // Time left before a transiently failed move's Job may be recreated (TransientBackoff);
  // nullopt: no wait pending.
  std::optional<Duration> transientRetryIn = std::nullopt;
  std::optional<MoveRefusal> moveRefused = std::nullopt;
  // One per spec.promotion.after, read by the reconciler.
  std::vector<PromotionSourceState> promotionSources = {};
};

struct EventToRecord {
  bool warning = false;
  std::string reason;
  std::string action;
  std::string note;
  bool operator==(const EventToRecord&) const = default;
};

struct Decision {
  SchemaVersionStatus status;    // the status to have; write it only if it differs
  std::string jobName;           // the current move's Job
  MoveJob job = MoveJob::Apply;  // which of its Jobs jobName is
  std::optional<nlohmann::json> createJob;
  bool deleteJob = false;  // the current move's Job failed transiently: delete, then recreate
  std::vector<EventToRecord> events;
  std::optional<Duration> requeueAfter;
  std::optional<nlohmann::json> publishPlan;  // the plan's ConfigMap, to create or update
};

// A move that plans first has a plan-only Job, with spec.rehearsal a rehearsal Job, and then
// the Job that applies the plan.
struct MoveJobNames {
  std::string plan;
  std::string rehearse;
  std::string apply;
  const std::string& of(MoveJob job) const;
};
MoveJobNames moveJobNames(const SchemaVersion& schemaVersion,
                          const std::vector<std::string>& fromRevisions, std::int64_t planAttempt);
// Whether the move is still at its plan-only Job: it plans first and no plan of this move (of
// names.plan) is recorded yet.
bool isPlanning(const SchemaVersion& schemaVersion, const SchemaVersionStatus& status,
                const MoveJobNames& names);

// The move's current Job: the plan-only one while planning, the rehearsal while spec.rehearsal
// asks for one and no rehearsal of the recorded plan's hash has succeeded, else the one that
// applies.
MoveJob currentMoveJob(const SchemaVersion& schemaVersion, const SchemaVersionStatus& status,
                       const MoveJobNames& names);

// The heads the next move starts from: a fresh successful drift read, else the recorded ones.
std::vector<std::string> startingRevisions(const SchemaVersion& schemaVersion,
                                           const std::optional<DriftObservation>& drift);
std::string currentMoveJobName(const SchemaVersion& schemaVersion,
                               const std::optional<DriftObservation>& drift);

// A run's outcome (status.lastRun.outcome) that left the database where it was asked to be.
bool isSuccessOutcome(const std::string& outcome);

// How long to wait before recreating the Job of a move after its (attempt+1)-th transient
// failure: 30 s doubling to 16 min.
Duration transientRetryDelay(int attempt);

// How long a move whose database Secret or scripts ConfigMap is missing waits before it is
// tried again (it may be created meanwhile; no Secret or ConfigMap informer wakes the
// controller).
inline constexpr std::chrono::seconds kMissingInputRecheck{30};

Decision decide(const Observation& observed);

}  // namespace retort::op
