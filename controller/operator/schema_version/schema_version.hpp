// The SchemaVersion resource (retort.dev/v1alpha1, DESIGN.md section 7) as typed C++: spec and
// status, read from and written to the API's JSON. Reading is strict about types and names the
// field path of anything wrong ("spec.backup.keep: expected an integer"), so a bad object is
// reported where it is at fault; what the CRD defaults is defaulted here too, so a SchemaVersion
// read from a server without the CRD's defaulting still means the same thing.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "operator/schema_version/maintenance_window.hpp"

namespace retort::op {

inline constexpr const char* kGroup = "retort.dev";
inline constexpr const char* kVersion = "v1alpha1";
inline constexpr const char* kApiVersion = "retort.dev/v1alpha1";
inline constexpr const char* kKind = "SchemaVersion";
// `kubectl annotate sv NAME retort.dev/approved-plan=sha256:...`: approval without a commit.
inline constexpr const char* kApprovedPlanAnnotation = "retort.dev/approved-plan";

// A field of the object is missing or has the wrong type or value; what() starts with its path.
class SpecError : public std::runtime_error {
 public:
  SpecError(std::string path, const std::string& problem)
      : std::runtime_error(path + ": " + problem), path_(std::move(path)) {}
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

struct SecretKeyRef {
  std::string name;
  std::string key = "uri";
};

// An application image holding an unconverted Alembic project and Python with Alembic: the Job
// copies Retort from spec.migrations.image into it and runs `retort run --executor alembic`
// there, so the project's own Alembic executes the steps (docs/alembic.md).
struct AlembicApplication {
  std::string image;               // the application image
  std::string path;                // directory holding alembic.ini inside it (absolute)
  std::string python = "python3";  // Python with Alembic, on the image's PATH or absolute
};

struct Migrations {
  std::string image;                    // Retort plus the scripts (or Retort alone, see below)
  std::string path = "/migrations";     // script location inside the container
  std::vector<std::string> configMaps;  // small sets: mounted as <path>/versions
  std::optional<AlembicApplication> alembic;  // run an Alembic project in its own image
};

enum class BackupMode { Required, IfPossible, Disabled };

struct Backup {
  BackupMode mode = BackupMode::Required;
  std::string claimName;  // persistentVolumeClaim.claimName; empty: no volume
  std::int64_t keep = 10;
};

struct Policy {
  bool allowDowngrade = false;
  bool allowDataLoss = false;
  // The lock budget: how long a step may wait for a lock before it gives up (and is retried),
  // so that an ALTER behind a long transaction does not queue the application behind it.
  std::chrono::milliseconds lockTimeout{2000};
  std::chrono::milliseconds statementTimeout{0};  // 0: none
  // A step that hit the lock budget is tried again, in a new transaction, this many times
  // (with backoff) before the run fails as transient.
  std::int64_t lockRetries = 5;
};

struct JobSettings {
  std::int64_t backoffLimit = 2;
  std::int64_t activeDeadlineSeconds = 3600;
  std::int64_t ttlSecondsAfterFinished = 86400;
  // A pod that has not started after this long (an image that cannot be pulled, a missing
  // Secret, volume or node) ends the move as Stalled, its Job deleted.
  std::chrono::seconds podStartTimeout{300};
  nlohmann::json resources = nlohmann::json::object();
  std::string serviceAccountName;
  std::map<std::string, std::string> nodeSelector;
  nlohmann::json tolerations = nlohmann::json::array();
  nlohmann::json imagePullSecrets = nlohmann::json::array();
};

// Apply moves the database; Plan only computes and publishes the plan (a production preview).
enum class Mode { Apply, Plan };

struct Approval {
  bool required = false;     // a person approves the exact plan (its hash) before it runs
  std::string approvedPlan;  // "sha256:..."; the annotation kApprovedPlanAnnotation also counts
};

// A SchemaVersion (staging) that must have been Ready at the same revision ids as this one's
// plan ends at, for at least readyFor, before this one moves.
struct PromotionSource {
  std::string ns;
  std::string name;
  std::chrono::seconds readyFor{0};
  bool operator==(const PromotionSource&) const = default;
};

// spec.rehearsal: before a move, the plan runs on a copy of the database restored on the scratch
// server (`retort rehearse`); the move starts only after a rehearsal of the same plan hash
// succeeded within the budgets.
struct Rehearsal {
  bool required = false;
  SecretKeyRef scratchDatabase;  // a database on the scratch server (CREATEDB there)
  // Reuse the newest verified backup at the same heads on spec.backup's claim this young
  // instead of taking a fresh one; 0: always a fresh one.
  std::chrono::seconds maxAge{0};
  double maxSeconds = 0;          // the plan's steps on the copy; 0: no budget
  double maxLockWaitSeconds = 0;  // the time they waited for locks; 0: no budget
};

struct SchemaVersionSpec {
  std::string targetRevision;  // required: no default (the CRD has none either)
  SecretKeyRef database;
  Migrations migrations;
  Backup backup;
  Policy policy;
  bool suspend = false;
  std::chrono::seconds driftCheckInterval{300};
  JobSettings job;
  Mode mode = Mode::Apply;
  Approval approval;
  std::vector<PromotionSource> promotionAfter;  // spec.promotion.after
  std::vector<MaintenanceWindow> windows;
  Rehearsal rehearsal;

  // Whether a move is planned (a plan-only Job) before it is applied: the gates that read the
  // plan (approval, promotion by revision ids, plan mode, a rehearsal of its hash) need one.
  bool plansFirst() const {
    return mode == Mode::Plan || approval.required || !promotionAfter.empty() || rehearsal.required;
  }
};

struct Condition {
  std::string type;
  std::string status;  // "True", "False", "Unknown"
  std::string reason;
  std::string message;
  std::int64_t observedGeneration = 0;
  std::string lastTransitionTime;  // RFC 3339

  bool operator==(const Condition&) const = default;
};

struct Plan {
  std::string direction;  // upgrade, downgrade, none
  std::int64_t steps = 0;
  std::vector<std::string> from;
  std::vector<std::string> to;
  bool dataLoss = false;
  std::string hash;
  std::string jobName;    // the plan-only Job it came from; empty: the plan of an applied run
  std::string configMap;  // where the whole plan is published (<name>-plan)
  bool operator==(const Plan&) const = default;
};

// The gate a move waits on (gates.hpp), since when.
struct GateStatus {
  std::string name;  // Mode, Window, Promotion, Rehearsal, Approval
  std::string reason;
  std::string message;
  std::string since;  // RFC 3339
  bool operator==(const GateStatus&) const = default;
};

struct LastRun {
  std::string jobName;
  std::string startTime;
  std::string completionTime;
  std::string outcome;
  std::string reason;
  std::string message;
  bool operator==(const LastRun&) const = default;
};

struct LastBackup {
  std::string file;
  std::int64_t bytes = 0;
  std::string sha256;
  std::string time;
  bool operator==(const LastBackup&) const = default;
};

// The last rehearsal of a plan (status.rehearsal), from the rehearsal Job's report.
struct RehearsalStatus {
  std::string jobName;
  std::string planHash;
  std::string outcome;  // Succeeded, Failed
  std::string reason;   // Rehearsed, RehearsalFailed, OverTimeBudget, OverLockWaitBudget, ...
  std::string message;
  double seconds = 0;          // restore and steps on the copy
  std::string slowestStep;     // "<revision> <file> <seconds>s"
  double lockWaitSeconds = 0;  // summed over the steps
  std::string failedStep;      // file:line, when a step failed
  std::string time;            // RFC 3339, when it ended
  bool operator==(const RehearsalStatus&) const = default;
};

struct SchemaVersionStatus {
  std::int64_t observedGeneration = 0;
  std::vector<std::string> currentRevisions;
  std::vector<std::string> targetRevisions;
  std::optional<Plan> plan;
  std::optional<LastRun> lastRun;
  std::optional<LastBackup> lastBackup;
  std::string lastDriftCheckTime;
  std::optional<GateStatus> gate;  // set while a move waits on a gate
  std::optional<RehearsalStatus> rehearsal;
  std::string nextWindowStart;  // RFC 3339; with spec.windows only
  // Bumped when an approved plan no longer matched at apply time: the move is planned again,
  // under new Job names, and approved again.
  std::int64_t planAttempt = 0;
  std::vector<Condition> conditions;
  bool operator==(const SchemaVersionStatus&) const = default;
};

struct SchemaVersion {
  std::string name;
  std::string ns;
  std::string uid;
  std::int64_t generation = 0;
  std::string approvedPlanAnnotation;  // metadata.annotations[kApprovedPlanAnnotation]
  SchemaVersionSpec spec;
  SchemaVersionStatus status;
};

// "30s", "5m", "1h30m" (Go's duration syntax, whole seconds, units h/m/s); throws SpecError.
std::chrono::seconds parseDuration(const std::string& text, const std::string& path);

// The same syntax with milliseconds allowed too ("500ms", "2s", "1m30s"); throws SpecError.
std::chrono::milliseconds parseMilliseconds(const std::string& text, const std::string& path);

// The inverse, for messages: 300 s is "5m", 5400 s "1h30m", 0 s "0s".
std::string formatDuration(std::chrono::seconds duration);

SchemaVersionSpec specFromJson(const nlohmann::json& spec);  // path prefix "spec"
SchemaVersionStatus statusFromJson(const nlohmann::json& status);
nlohmann::json statusToJson(const SchemaVersionStatus& status);
// The whole object; throws SpecError naming the path of the first problem.
SchemaVersion schemaVersionFromJson(const nlohmann::json& object);

const char* backupModeName(BackupMode mode);

// The approval that counts: the spec's, else the annotation's.
std::string approvedPlanOf(const SchemaVersion& schemaVersion);

}  // namespace retort::op
