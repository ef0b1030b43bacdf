// The Job builder and the classification of Jobs and pods.
#include <gtest/gtest.h>

#include <algorithm>

#include "operator/schema_version/job_builder.hpp"
#include "operator/schema_version/job_status.hpp"

namespace retort::op {
namespace {

using nlohmann::json;

SchemaVersion sweetshop() {
  SchemaVersion sv;
  sv.name = "sweetshop";
  sv.ns = "shop";
  sv.uid = "0b9e5a4c-0000-4000-8000-000000000001";
  sv.generation = 3;
  sv.spec.targetRevision = "2a3b7c4d5e07";
  sv.spec.database = {"sweetshop-db", "uri"};
  sv.spec.migrations.image = "localhost/retort-sweetshop:0.2.0";
  sv.spec.backup.claimName = "sweetshop-backups";
  sv.spec.backup.keep = 7;
  sv.spec.job.nodeSelector = {{"kubernetes.io/os", "linux"}};
  sv.spec.job.resources = {{"limits", {{"memory", "256Mi"}}}};
  return sv;
}

TEST(OperatorJobName, DeterministicPerMoveAndAtMost63Characters) {
  const std::string a = migrationJobName("sweetshop", 3, {"b2", "a1"});
  EXPECT_EQ(a, migrationJobName("sweetshop", 3, {"a1", "b2"}));
  EXPECT_NE(a, migrationJobName("sweetshop", 4, {"a1", "b2"}));
  EXPECT_NE(a, migrationJobName("sweetshop", 3, {"a1"}));
  EXPECT_EQ(a.rfind("sweetshop-g3-", 0), 0u);
  const std::string longName = migrationJobName(std::string(250, 'x') + ".y", 12345, {});
  EXPECT_LE(longName.size(), 63u);
  EXPECT_EQ(longName.find('.'), std::string::npos);
}

TEST(OperatorJobName, PodsAreNamedAfterTheJobCutAsTheApiServerCutsGeneratedNames) {
  EXPECT_EQ(podNamePrefix("sweetshop-g3-abc"), "sweetshop-g3-abc-");
  const std::string longest = migrationJobName(std::string(250, 'x'), 12345, {"a1"});
  ASSERT_EQ(longest.size(), 63u);
  // generateName "<job>-" keeps 58 characters: the Job's first 57 and no dash.
  EXPECT_EQ(podNamePrefix(longest), longest.substr(0, 58));
  EXPECT_EQ(podNamePrefix(std::string(57, 'j')), std::string(57, 'j') + "-");
}

TEST(OperatorJobBuilder, RunsRetortRunWithPolicyFlagsAndTheReport) {
  SchemaVersion sv = sweetshop();
  sv.spec.policy.allowDowngrade = true;
  const json job = buildMigrationJob(sv, "sweetshop-g3-abc", {"a1"});
  const json& container = job["spec"]["template"]["spec"]["containers"][0];
  const std::vector<std::string> args = container["args"];
  const std::vector<std::string> expected = {"-d",
                                             "/migrations",
                                             "--lock-timeout",
                                             "2000ms",
                                             "--lock-retries",
                                             "5",
                                             "run",
                                             "--allow-downgrade",
                                             "--backup",
                                             "required",
                                             "--backup-dir",
                                             "/backups",
                                             "--backup-keep",
                                             "7",
                                             "--report",
                                             "/dev/termination-log",
                                             "--run-id",
                                             "sweetshop-g3-abc",
                                             "--",
                                             "2a3b7c4d5e07"};
  EXPECT_EQ(args, expected);
  EXPECT_EQ(container["terminationMessagePolicy"], "File");
}

TEST(OperatorJobBuilder, DatabaseUrlComesFromTheSecretOnly) {
  const json job = buildMigrationJob(sweetshop(), "sweetshop-g3-abc", {});
  const json& env = job["spec"]["template"]["spec"]["containers"][0]["env"];
  ASSERT_EQ(env.size(), 1u);
  EXPECT_EQ(env[0]["name"], "DATABASE_URL");
  EXPECT_EQ(env[0]["valueFrom"]["secretKeyRef"], json({{"name", "sweetshop-db"}, {"key", "uri"}}));
  EXPECT_FALSE(env[0].contains("value"));
}

TEST(OperatorJobBuilder, RestrictedPodSecurity) {
  const json job = buildMigrationJob(sweetshop(), "j", {});
  const json& pod = job["spec"]["template"]["spec"];
  EXPECT_EQ(pod["securityContext"]["runAsNonRoot"], true);
  EXPECT_EQ(pod["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  EXPECT_EQ(pod["automountServiceAccountToken"], false);
  const json& sc = pod["containers"][0]["securityContext"];
  EXPECT_EQ(sc["allowPrivilegeEscalation"], false);
  EXPECT_EQ(sc["readOnlyRootFilesystem"], true);
  EXPECT_EQ(sc["capabilities"]["drop"], json::array({"ALL"}));
  EXPECT_EQ(pod["restartPolicy"], "Never");
}

TEST(OperatorJobBuilder, PodFailurePolicyFailsOnPermanentCodesOnly) {
  const json job = buildMigrationJob(sweetshop(), "j", {});
  const json& rules = job["spec"]["podFailurePolicy"]["rules"];
  ASSERT_GE(rules.size(), 1u);
  EXPECT_EQ(rules[0]["action"], "FailJob");
  EXPECT_EQ(rules[0]["onExitCodes"]["operator"], "In");
  EXPECT_EQ(rules[0]["onExitCodes"]["values"], json::array({1, 2, 3, 4, 6}));
  for (const json& rule : rules) {
    if (!rule.contains("onExitCodes")) continue;
    const std::vector<int> codes = rule["onExitCodes"]["values"];
    EXPECT_EQ(std::count(codes.begin(), codes.end(), kTransientExitCode), 0);
  }
}

TEST(OperatorJobBuilder, SpecSettingsOwnerAndVolumes) {
  const SchemaVersion sv = sweetshop();
  const json job = buildMigrationJob(sv, "j", {"a1"});
  EXPECT_EQ(job["spec"]["backoffLimit"], 2);
  EXPECT_EQ(job["spec"]["activeDeadlineSeconds"], 3600);
  EXPECT_EQ(job["spec"]["ttlSecondsAfterFinished"], 86400);
  const json& owner = job["metadata"]["ownerReferences"][0];
  EXPECT_EQ(owner["uid"], sv.uid);
  EXPECT_EQ(owner["kind"], "SchemaVersion");
  EXPECT_EQ(owner["controller"], true);
  const json& pod = job["spec"]["template"]["spec"];
  EXPECT_EQ(pod["nodeSelector"]["kubernetes.io/os"], "linux");
  EXPECT_EQ(pod["containers"][0]["resources"]["limits"]["memory"], "256Mi");
  bool hasClaim = false;
  for (const json& volume : pod["volumes"])
    hasClaim |= volume.contains("persistentVolumeClaim") &&
                volume["persistentVolumeClaim"]["claimName"] == "sweetshop-backups";
  EXPECT_TRUE(hasClaim);
  EXPECT_EQ(job["metadata"]["annotations"][kFromRevisionsAnnotation], "a1");
}

TEST(OperatorJobBuilder, ConfigMapScriptsAndNoBackup) {
  SchemaVersion sv = sweetshop();
  sv.spec.backup.mode = BackupMode::Disabled;
  sv.spec.migrations.configMaps = {"scripts-1", "scripts-2"};
  const json job = buildMigrationJob(sv, "j", {});
  const json& pod = job["spec"]["template"]["spec"];
  const std::vector<std::string> args = pod["containers"][0]["args"];
  EXPECT_EQ(std::count(args.begin(), args.end(), "--backup-dir"), 0);
  bool mounted = false;
  for (const json& mount : pod["containers"][0]["volumeMounts"])
    mounted |= mount["mountPath"] == "/migrations/versions";
  EXPECT_TRUE(mounted);
  for (const json& volume : pod["volumes"]) EXPECT_FALSE(volume.contains("persistentVolumeClaim"));
}

json jobWith(const char* type, const char* reason) {
  json job = {{"metadata", {{"name", "sweetshop-g3-abc"}}}, {"status", json::object()}};
  if (type)
    job["status"]["conditions"] =
        json::array({{{"type", type}, {"status", "True"}, {"reason", reason}, {"message", "m"}}});
  return job;
}

json podExited(int code, const std::string& message,
               const char* finishedAt = "2026-01-01T00:00:00Z") {
  return {
      {"status",
       {{"containerStatuses",
         json::array(
             {{{"name", "retort"},
               {"state",
                {{"terminated",
                  {{"exitCode", code}, {"message", message}, {"finishedAt", finishedAt}}}}}}})}}}};
}

const char* kFailedReport = R"({"apiVersion":"retort.dev/v1alpha1","kind":"RunReport",
  "runId":"r","outcome":"Failed","reason":"StepFailed","message":"relation \"sweets\" does not exist",
  "from":["a1"],"to":["a1"],"target":["b2"],"direction":"upgrade","steps":1,"planHash":"sha256:1",
  "dataLoss":false,"failedStep":{"revision":"b2","file":"versions/b2_add_price.sql","line":14,"sqlstate":"42P01"},
  "seconds":0.5})";

TEST(OperatorJobStatus, RunningUntilAConditionSaysOtherwise) {
  EXPECT_EQ(classifyJob(jobWith(nullptr, ""), {}).phase, JobPhase::Running);
  // A failed attempt while the Job still retries is not a final outcome.
  EXPECT_EQ(classifyJob(jobWith(nullptr, ""), {podExited(5, "")}).phase, JobPhase::Running);
}

TEST(OperatorJobStatus, CompleteReadsTheReport) {
  const auto seen = classifyJob(
      jobWith("Complete", ""),
      {podExited(
          0,
          R"({"kind":"RunReport","outcome":"Succeeded","reason":"Migrated","to":["b2"],"target":["b2"]})")});
  EXPECT_EQ(seen.phase, JobPhase::Succeeded);
  ASSERT_TRUE(seen.report);
  EXPECT_EQ(seen.report->to, std::vector<std::string>{"b2"});
  EXPECT_EQ(seen.reason, "Migrated");
}

TEST(OperatorJobStatus, PermanentFailureNamesFileAndLine) {
  const auto seen =
      classifyJob(jobWith("Failed", "PodFailurePolicy"), {podExited(1, kFailedReport)});
  EXPECT_EQ(seen.phase, JobPhase::FailedPermanent);
  EXPECT_EQ(seen.exitCode, 1);
  EXPECT_EQ(seen.reason, "StepFailed");
  EXPECT_NE(seen.message.find("versions/b2_add_price.sql:14"), std::string::npos) << seen.message;
}

TEST(OperatorJobStatus, BackoffLimitOnTheTransientCodeIsTransient) {
  const auto seen = classifyJob(
      jobWith("Failed", "BackoffLimitExceeded"),
      {podExited(5, "", "2026-01-01T00:00:00Z"), podExited(5, "", "2026-01-01T00:01:00Z")});
  EXPECT_EQ(seen.phase, JobPhase::FailedTransient);
  EXPECT_NE(seen.message.find("retort exited with 5"), std::string::npos);
}

TEST(OperatorJobStatus, DeadlineAndPermanentCodesArePermanent) {
  EXPECT_EQ(classifyJob(jobWith("Failed", "DeadlineExceeded"), {}).phase,
            JobPhase::FailedPermanent);
  EXPECT_EQ(
      classifyJob(jobWith("Failed", "BackoffLimitExceeded"), {podExited(6, "not json")}).phase,
      JobPhase::FailedPermanent);
  for (int code : {1, 2, 3, 4, 6}) EXPECT_TRUE(isPermanentExitCode(code));
  EXPECT_FALSE(isPermanentExitCode(0));
  EXPECT_FALSE(isPermanentExitCode(5));
}

TEST(OperatorJobStatus, LatestTerminationWins) {
  const auto seen = classifyJob(jobWith("Failed", "PodFailurePolicy"),
                                {podExited(3, kFailedReport, "2026-01-01T00:05:00Z"),
                                 podExited(5, "", "2026-01-01T00:01:00Z")});
  EXPECT_EQ(seen.exitCode, 3);
}

json pendingPod(const char* created, json status) {
  status["phase"] = "Pending";
  return {{"metadata",
           {{"name", std::string("sweetshop-g3-abc-") + created}, {"creationTimestamp", created}}},
          {"status", status}};
}

TEST(OperatorJobStatus, ThePodsWaitingReasonIsRead) {
  const json pull = pendingPod(
      "2026-01-01T00:02:00Z",
      {{"containerStatuses",
        json::array({{{"name", "retort"},
                      {"state",
                       {{"waiting",
                         {{"reason", "ErrImagePull"}, {"message", "pull access denied"}}}}}}})}});
  const json older = pendingPod("2026-01-01T00:01:00Z", json::object());
  JobObservation seen = classifyJob(jobWith(nullptr, ""), {older, pull});
  ASSERT_TRUE(seen.podWaiting);
  EXPECT_EQ(seen.podWaiting->reason, "ErrImagePull");
  EXPECT_EQ(seen.podWaiting->message, "pull access denied");
  EXPECT_EQ(seen.podWaiting->since, "2026-01-01T00:02:00Z");
  EXPECT_TRUE(seen.podWaiting->cannotStart);

  // A pod no node can take (a claim that does not exist): the scheduler's condition.
  const json unschedulable = pendingPod(
      "2026-01-01T00:02:00Z",
      {{"conditions", json::array({{{"type", "PodScheduled"},
                                    {"status", "False"},
                                    {"reason", "Unschedulable"},
                                    {"message", "persistentvolumeclaim \"nope\" not found"}}})}});
  seen = classifyJob(jobWith(nullptr, ""), {unschedulable});
  ASSERT_TRUE(seen.podWaiting);
  EXPECT_EQ(seen.podWaiting->reason, "Unschedulable");
  EXPECT_TRUE(seen.podWaiting->cannotStart);

  // Creating the container is waiting, not a failure; an init container's reason counts.
  const json creating = pendingPod(
      "2026-01-01T00:02:00Z",
      {{"initContainerStatuses",
        json::array({{{"name", "retort-bundle"},
                      {"state", {{"waiting", {{"reason", "CreateContainerConfigError"}}}}}}})},
       {"containerStatuses",
        json::array(
            {{{"name", "retort"}, {"state", {{"waiting", {{"reason", "PodInitializing"}}}}}}})}});
  seen = classifyJob(jobWith(nullptr, ""), {creating});
  ASSERT_TRUE(seen.podWaiting);
  EXPECT_EQ(seen.podWaiting->reason, "CreateContainerConfigError");
  seen = classifyJob(jobWith(nullptr, ""), {pendingPod("2026-01-01T00:02:00Z", json::object())});
  ASSERT_TRUE(seen.podWaiting);
  EXPECT_FALSE(seen.podWaiting->cannotStart);

  // A started pod waits on nothing.
  json running = pendingPod("2026-01-01T00:02:00Z", json::object());
  running["status"]["phase"] = "Running";
  EXPECT_FALSE(classifyJob(jobWith(nullptr, ""), {running}).podWaiting);
}

TEST(OperatorRunReport, MalformedIsNoReport) {
  EXPECT_FALSE(parseRunReport("").has_value());
  EXPECT_FALSE(parseRunReport("{\"kind\":\"Other\"}").has_value());
  EXPECT_FALSE(parseRunReport("{\"kind\":\"RunRep").has_value());
  const auto report = parseRunReport(kFailedReport);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->failedLocation(), "versions/b2_add_price.sql:14");
  EXPECT_EQ(report->target, std::vector<std::string>{"b2"});
}

}  // namespace
}  // namespace retort::op
