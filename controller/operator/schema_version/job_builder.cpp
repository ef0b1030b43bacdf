#include "operator/schema_version/job_builder.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace retort::op {
namespace {

using nlohmann::json;

// FNV-1a: stable across builds and platforms, which std::hash is not.
std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

// Whether the Job mounts the backup claim at kBackupMountPath and keeps its backups there.
bool backupsOnClaim(const SchemaVersionSpec& spec) {
  return spec.backup.mode != BackupMode::Disabled && !spec.backup.claimName.empty();
}

const char* backupFlag(BackupMode mode) {
  switch (mode) {
    case BackupMode::Required:
      return "required";
    case BackupMode::IfPossible:
      return "if-possible";
    case BackupMode::Disabled:
      return "disabled";
  }
  return "required";
}

}  // namespace

std::string migrationJobName(const std::string& schemaVersionName, std::int64_t generation,
                             std::vector<std::string> fromRevisions, std::int64_t planAttempt,
                             MoveJob job) {
  std::sort(fromRevisions.begin(), fromRevisions.end());
  std::string hashed = joined(fromRevisions, ",");
  if (planAttempt != 0) hashed += "#" + std::to_string(planAttempt);
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(fnv1a(hashed)));
  const std::string suffix = "-g" + std::to_string(generation) + "-" + std::string(hash, 10) +
                             (job == MoveJob::Plan       ? "-plan"
                              : job == MoveJob::Rehearse ? "-rehearse"
                                                         : "");
  std::string prefix = schemaVersionName.substr(0, 63 - suffix.size());
  while (!prefix.empty() && (prefix.back() == '-' || prefix.back() == '.')) prefix.pop_back();
  std::replace(prefix.begin(), prefix.end(), '.', '-');
  return prefix + suffix;
}

std::string podNamePrefix(const std::string& jobName) {
  constexpr std::size_t kMaxGeneratedNameLength = 63 - 5;
  return (jobName + "-").substr(0, kMaxGeneratedNameLength);
}

json ownedBy(const SchemaVersion& sv) {
  return json::array({{{"apiVersion", kApiVersion},
                       {"kind", kKind},
                       {"name", sv.name},
                       {"uid", sv.uid},
                       {"controller", true},
                       {"blockOwnerDeletion", true}}});
}

std::vector<std::string> retortRunArguments(const SchemaVersionSpec& spec, const std::string& runId,
                                            const MigrationRun& run) {
  const std::string& location =
      spec.migrations.alembic ? spec.migrations.alembic->path : spec.migrations.path;
  std::vector<std::string> args = {"-d", location};
  // Session settings of every migration connection: global options, before the command.
  if (spec.policy.lockTimeout.count() > 0)
    args.insert(args.end(),
                {"--lock-timeout", std::to_string(spec.policy.lockTimeout.count()) + "ms"});
  if (spec.policy.lockTimeout.count() > 0 && spec.policy.lockRetries > 0)
    args.insert(args.end(), {"--lock-retries", std::to_string(spec.policy.lockRetries)});
  if (spec.policy.statementTimeout.count() > 0)
    args.insert(args.end(), {"--statement-timeout",
                             std::to_string(spec.policy.statementTimeout.count()) + "ms"});
  const bool rehearse = run.job == MoveJob::Rehearse;
  const bool keepsBackups = backupsOnClaim(spec);
  args.push_back(rehearse ? "rehearse" : "run");
  if (spec.policy.allowDowngrade) args.push_back("--allow-downgrade");
  if (spec.policy.allowDataLoss) args.push_back("--allow-data-loss");
  if (!rehearse) {
    args.push_back("--backup");
    args.push_back(backupFlag(spec.backup.mode));
  }
  if (keepsBackups) {
    args.push_back("--backup-dir");
    args.push_back(kBackupMountPath);
    args.push_back("--backup-keep");
    args.push_back(std::to_string(spec.backup.keep));
  }
  if (rehearse) {
    // The scratch server's URL comes from the environment (kScratchUrlVariable), never a flag.
    const Rehearsal& r = spec.rehearsal;
    if (keepsBackups && r.maxAge.count() > 0)
      args.insert(args.end(), {"--max-age", std::to_string(r.maxAge.count()) + "s"});
    if (r.maxSeconds > 0) args.insert(args.end(), {"--max-seconds", number(r.maxSeconds)});
    if (r.maxLockWaitSeconds > 0)
      args.insert(args.end(), {"--max-lock-wait-seconds", number(r.maxLockWaitSeconds)});
  }
  if (run.job == MoveJob::Plan) args.push_back("--plan-only");
  if (!run.expectPlan.empty()) args.insert(args.end(), {"--expect-plan", run.expectPlan});
  args.push_back("--report");
  args.push_back("/dev/termination-log");
  args.push_back("--run-id");
  args.push_back(runId);
  if (spec.migrations.alembic) {
    args.insert(args.end(), {"--executor", "alembic", "--python", spec.migrations.alembic->python});
  }
  // Last, after "--": whatever the target says, `retort run` never reads it as a flag.
  args.insert(args.end(), {"--", spec.targetRevision});
  return args;
}

json buildMigrationJob(const SchemaVersion& sv, const std::string& jobName,
                       const std::vector<std::string>& fromRevisions, const MigrationRun& run) {
  const SchemaVersionSpec& spec = sv.spec;
  const json labels = {
      {kManagedByLabel, kManagedByValue},
      {"app.kubernetes.io/name", "retort"},
      {"app.kubernetes.io/component", run.job == MoveJob::Rehearse ? "rehearsal" : "migration"},
      {kSchemaVersionUidLabel, sv.uid}};

  json volumeMounts = json::array({{{"name", "tmp"}, {"mountPath", "/tmp"}}});
  json volumes = json::array({{{"name", "tmp"}, {"emptyDir", json::object()}}});
  if (backupsOnClaim(spec)) {
    volumeMounts.push_back({{"name", "backups"}, {"mountPath", kBackupMountPath}});
    volumes.push_back(
        {{"name", "backups"}, {"persistentVolumeClaim", {{"claimName", spec.backup.claimName}}}});
  }
  if (!spec.migrations.configMaps.empty()) {
    json sources = json::array();
    for (const std::string& name : spec.migrations.configMaps)
      sources.push_back({{"configMap", {{"name", name}}}});
    volumes.push_back({{"name", "scripts"}, {"projected", {{"sources", sources}}}});
    volumeMounts.push_back({{"name", "scripts"},
                            {"mountPath", spec.migrations.path + "/versions"},
                            {"readOnly", true}});
  }

  const json securityContext = {{"allowPrivilegeEscalation", false},
                                {"readOnlyRootFilesystem", true},
                                {"runAsNonRoot", true},
                                {"capabilities", {{"drop", json::array({"ALL"})}}},
                                {"seccompProfile", {{"type", "RuntimeDefault"}}}};
  json initContainers = json::array();
  json env = json::array(
      {{{"name", "DATABASE_URL"},
        {"valueFrom",
         {{"secretKeyRef", {{"name", spec.database.name}, {"key", spec.database.key}}}}}}});
  if (run.job == MoveJob::Rehearse) {
    const SecretKeyRef& scratch = spec.rehearsal.scratchDatabase;
    env.push_back(
        {{"name", kScratchUrlVariable},
         {"valueFrom", {{"secretKeyRef", {{"name", scratch.name}, {"key", scratch.key}}}}}});
  }
  std::string image = spec.migrations.image;
  std::string command = "retort";
  if (spec.migrations.alembic) {
    // Retort's image has no shell: retort itself copies its bundle into the shared volume.
    volumes.push_back({{"name", "retort-bundle"}, {"emptyDir", json::object()}});
    initContainers.push_back(
        {{"name", "retort-bundle"},
         {"image", spec.migrations.image},
         {"command", json::array({"retort"})},
         {"args",
          json::array({"copy-bundle", kRetortBundleMountPath, "--from", kRetortBundleSource})},
         {"securityContext", securityContext},
         {"volumeMounts",
          json::array({{{"name", "retort-bundle"}, {"mountPath", kRetortBundleMountPath}}})}});
    volumeMounts.push_back(
        {{"name", "retort-bundle"}, {"mountPath", kRetortBundleMountPath}, {"readOnly", true}});
    image = spec.migrations.alembic->image;
    command = std::string(kRetortBundleMountPath) + "/bin/retort";
    // pg_dump and pg_restore come from the bundle; Python from the image's usual places.
    env.push_back(
        {{"name", "PATH"},
         {"value", std::string(kRetortBundleMountPath) + "/bin:/usr/local/bin:/usr/bin:/bin"}});
  }

  json container = {
      {"name", "retort"},
      {"image", image},
      {"command", json::array({command})},
      {"args", retortRunArguments(spec, jobName, run)},
      {"env", env},
      {"terminationMessagePath", "/dev/termination-log"},
      {"terminationMessagePolicy", "File"},
      {"securityContext", securityContext},
      {"volumeMounts", volumeMounts},
  };
  if (!spec.job.resources.empty()) container["resources"] = spec.job.resources;

  json podSpec = {
      {"restartPolicy", "Never"},
      {"automountServiceAccountToken", false},
      {"securityContext",
       {{"runAsNonRoot", true},
        {"runAsUser", 65532},
        {"runAsGroup", 65532},
        {"fsGroup", 65532},
        {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
      {"containers", json::array({container})},
      {"volumes", volumes},
  };
  if (!initContainers.empty()) podSpec["initContainers"] = initContainers;
  if (!spec.job.serviceAccountName.empty())
    podSpec["serviceAccountName"] = spec.job.serviceAccountName;
  if (!spec.job.nodeSelector.empty()) podSpec["nodeSelector"] = spec.job.nodeSelector;
  if (!spec.job.tolerations.empty()) podSpec["tolerations"] = spec.job.tolerations;
  if (!spec.job.imagePullSecrets.empty()) podSpec["imagePullSecrets"] = spec.job.imagePullSecrets;

  return {
      {"apiVersion", "batch/v1"},
      {"kind", "Job"},
      {"metadata",
       {{"name", jobName},
        {"namespace", sv.ns},
        {"labels", labels},
        {"annotations",
         {{kGenerationAnnotation, std::to_string(sv.generation)},
          {kFromRevisionsAnnotation, joined(fromRevisions, ",")}}},
        {"ownerReferences", ownedBy(sv)}}},
      {"spec",
       {{"backoffLimit", spec.job.backoffLimit},
        {"activeDeadlineSeconds", spec.job.activeDeadlineSeconds},
        {"ttlSecondsAfterFinished", spec.job.ttlSecondsAfterFinished},
        {"podFailurePolicy",
         {{"rules", json::array({{{"action", "FailJob"},
                                  {"onExitCodes",
                                   {{"containerName", "retort"},
                                    {"operator", "In"},
                                    {"values", json::array({1, 2, 3, 4, 6})}}}},
                                 // An evicted or preempted pod is not the migration's fault: retry
                                 // without spending the backoff budget.
                                 {{"action", "Ignore"},
                                  {"onPodConditions", json::array({{{"type", "DisruptionTarget"},
                                                                    {"status", "True"}}})}}})}}},
        {"template", {{"metadata", {{"labels", labels}}}, {"spec", podSpec}}}}},
  };
}

}  // namespace retort::op
