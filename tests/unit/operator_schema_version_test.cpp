// Reading SchemaVersion objects: defaults, and errors that name the field path.
#include <gtest/gtest.h>

#include "operator/schema_version/conditions.hpp"
#include "operator/schema_version/schema_version.hpp"
#include "operator_spec_fixture.hpp"

namespace retort::op {
namespace {

using nlohmann::json;

using testing::specErrorPath;

json minimalSpec() {
  return testing::sweetshopSpecJson();
}

TEST(OperatorSchemaVersion, DefaultsFillWhatTheSpecLeavesOut) {
  const SchemaVersionSpec spec = specFromJson(minimalSpec());
  EXPECT_EQ(spec.targetRevision, "head");
  EXPECT_EQ(spec.migrations.path, "/migrations");
  EXPECT_EQ(spec.backup.keep, 10);
  EXPECT_FALSE(spec.policy.allowDowngrade);
  EXPECT_EQ(spec.driftCheckInterval, std::chrono::minutes(5));
  EXPECT_EQ(spec.job.backoffLimit, 2);
  EXPECT_EQ(spec.job.activeDeadlineSeconds, 3600);
  EXPECT_EQ(spec.job.ttlSecondsAfterFinished, 86400);
}

TEST(OperatorSchemaVersion, ErrorsNameTheFieldPath) {
  json spec = minimalSpec();
  spec["backup"]["keep"] = "ten";
  EXPECT_EQ(specErrorPath(spec), "spec.backup.keep");
  spec = minimalSpec();
  spec["backup"]["mode"] = "Sometimes";
  EXPECT_EQ(specErrorPath(spec), "spec.backup.mode");
  spec = minimalSpec();
  spec["database"]["secretRef"].erase("name");
  EXPECT_EQ(specErrorPath(spec), "spec.database.secretRef.name");
  spec = minimalSpec();
  spec["driftCheckInterval"] = "5 minutes";
  EXPECT_EQ(specErrorPath(spec), "spec.driftCheckInterval");
  spec = minimalSpec();
  spec["migrations"]["configMaps"] = json::array({"a", 3});
  EXPECT_EQ(specErrorPath(spec), "spec.migrations.configMaps[1]");
  spec = minimalSpec();
  spec["backup"].erase("persistentVolumeClaim");
  EXPECT_EQ(specErrorPath(spec), "spec.backup.persistentVolumeClaim");
  spec["backup"]["mode"] = "Disabled";
  EXPECT_EQ(specErrorPath(spec), "(no error)");
}

// What can never be a target is refused when the object is read, as the CRD refuses it: an
// omitted target is not taken to mean head, and nothing reaches `retort run` as a flag.
TEST(OperatorSchemaVersion, TargetRevisionIsRequiredAndNeverAFlag) {
  json spec = minimalSpec();
  spec.erase("targetRevision");
  EXPECT_EQ(specErrorPath(spec), "spec.targetRevision");
  for (const char* bad :
       {"", "--allow-downgrade", "head\t", "head\n--allow-downgrade", "head 1",
        "h\xc3\xa9"
        "ad",
        "head\xff", "a;drop table x", "head-99999999999999999999", "+1234567890"}) {
    spec["targetRevision"] = bad;
    EXPECT_EQ(specErrorPath(spec), "spec.targetRevision") << bad;
  }
  spec["targetRevision"] = std::string("head\0x", 6);
  EXPECT_EQ(specErrorPath(spec), "spec.targetRevision");
  for (const char* good : {"head", "heads", "base", "2a3b7c4d5e07", "2a3b", "head-1", "+2", "-1",
                           "shop@head", "ae10+2", "a1b2:c3d4", "head-999999999"}) {
    spec["targetRevision"] = good;
    EXPECT_EQ(specErrorPath(spec), "(no error)") << good;
  }
  spec["targetRevision"] = "head\n--allow-downgrade";
  try {
    specFromJson(spec);
    FAIL() << "no error";
  } catch (const SpecError& error) {
    EXPECT_NE(std::string(error.what()).find("\"head\\x0a--allow-downgrade\""), std::string::npos)
        << error.what();
  }
}

TEST(OperatorSchemaVersion, TheLockBudgetIsReadInMilliseconds) {
  EXPECT_EQ(specFromJson(minimalSpec()).policy.lockTimeout, std::chrono::seconds(2));
  EXPECT_EQ(specFromJson(minimalSpec()).policy.lockRetries, 5);
  json spec = minimalSpec();
  spec["policy"] = {{"lockTimeout", "500ms"}, {"statementTimeout", "1m30s"}};
  const SchemaVersionSpec read = specFromJson(spec);
  EXPECT_EQ(read.policy.lockTimeout, std::chrono::milliseconds(500));
  EXPECT_EQ(read.policy.statementTimeout, std::chrono::seconds(90));
  EXPECT_EQ(parseMilliseconds("1s250ms", "x"), std::chrono::milliseconds(1250));
  for (const char* bad : {"5", "ms", "2ms5s", "fast"}) {
    spec["policy"]["lockTimeout"] = bad;
    EXPECT_EQ(specErrorPath(spec), "spec.policy.lockTimeout") << bad;
  }
}

TEST(OperatorSchemaVersion, GatesAreReadWithTheirFieldPaths) {
  json spec = minimalSpec();
  spec["mode"] = "Plan";
  spec["approval"] = {{"required", true}, {"approvedPlan", "sha256:ab"}};
  spec["promotion"] = {
      {"after", json::array({{{"namespace", "staging"}, {"name", "shop"}, {"readyFor", "1h"}}})}};
  spec["windows"] = json::array({{{"days", {"Sat", "Sun"}},
                                  {"start", "02:00"},
                                  {"duration", "2h"},
                                  {"timeZone", "Europe/Berlin"}}});
  const SchemaVersionSpec read = specFromJson(spec);
  EXPECT_EQ(read.mode, Mode::Plan);
  EXPECT_TRUE(read.approval.required);
  EXPECT_EQ(read.approval.approvedPlan, "sha256:ab");
  ASSERT_EQ(read.promotionAfter.size(), 1u);
  EXPECT_EQ(read.promotionAfter[0], (PromotionSource{"staging", "shop", std::chrono::hours(1)}));
  ASSERT_EQ(read.windows.size(), 1u);
  EXPECT_EQ(read.windows[0].timeZone, "Europe/Berlin");
  EXPECT_TRUE(read.plansFirst());
  EXPECT_FALSE(specFromJson(minimalSpec()).plansFirst());

  spec["mode"] = "Later";
  EXPECT_EQ(specErrorPath(spec), "spec.mode");
  spec["mode"] = "Apply";
  spec["promotion"]["after"][0].erase("name");
  EXPECT_EQ(specErrorPath(spec), "spec.promotion.after[0].name");
  spec["promotion"]["after"][0]["name"] = "shop";
  spec["promotion"]["after"][0]["readyFor"] = "soon";
  EXPECT_EQ(specErrorPath(spec), "spec.promotion.after[0].readyFor");
  spec.erase("promotion");
  spec["windows"][0]["timeZone"] = "Mars/Olympus";
  EXPECT_EQ(specErrorPath(spec), "spec.windows[0].timeZone");

  const SchemaVersion sv = schemaVersionFromJson(
      {{"metadata", {{"name", "x"}, {"annotations", {{kApprovedPlanAnnotation, "sha256:cd"}}}}},
       {"spec", minimalSpec()}});
  EXPECT_EQ(approvedPlanOf(sv), "sha256:cd");
}

TEST(OperatorSchemaVersion, TheRehearsalIsReadWithItsFieldPaths) {
  json spec = minimalSpec();
  spec["rehearsal"] = {{"required", true},
                       {"scratchDatabase", {{"secretRef", {{"name", "scratch-db"}}}}},
                       {"maxAge", "24h"},
                       {"maxSeconds", 90},
                       {"maxLockWaitSeconds", 0.5}};
  const SchemaVersionSpec read = specFromJson(spec);
  EXPECT_TRUE(read.rehearsal.required);
  EXPECT_EQ(read.rehearsal.scratchDatabase.name, "scratch-db");
  EXPECT_EQ(read.rehearsal.scratchDatabase.key, "uri");
  EXPECT_EQ(read.rehearsal.maxAge, std::chrono::hours(24));
  EXPECT_EQ(read.rehearsal.maxSeconds, 90);
  EXPECT_EQ(read.rehearsal.maxLockWaitSeconds, 0.5);
  EXPECT_TRUE(read.plansFirst());  // the rehearsal is of the plan's hash

  spec["rehearsal"]["maxLockWaitSeconds"] = -1;
  EXPECT_EQ(specErrorPath(spec), "spec.rehearsal.maxLockWaitSeconds");
  spec["rehearsal"]["maxLockWaitSeconds"] = "1s";
  EXPECT_EQ(specErrorPath(spec), "spec.rehearsal.maxLockWaitSeconds");
  spec["rehearsal"].erase("maxLockWaitSeconds");
  spec["rehearsal"]["maxAge"] = "a day";
  EXPECT_EQ(specErrorPath(spec), "spec.rehearsal.maxAge");
  spec["rehearsal"].erase("maxAge");
  spec["rehearsal"].erase("scratchDatabase");
  EXPECT_EQ(specErrorPath(spec), "spec.rehearsal.scratchDatabase.secretRef.name");
  spec["rehearsal"]["scratchDatabase"] = {{"secretRef", {{"name", "scratch-db"}}}};
  spec["migrations"]["alembic"] = {{"image", "shop:1"}, {"path", "/app"}};
  EXPECT_EQ(specErrorPath(spec), "spec.rehearsal.required");
}

TEST(OperatorSchemaVersion, ErrorMessageSaysWhatIsWrong) {
  json spec = minimalSpec();
  spec["job"] = {{"backoffLimit", -1}};
  try {
    specFromJson(spec);
    FAIL() << "no error";
  } catch (const SpecError& error) {
    EXPECT_STREQ(error.what(), "spec.job.backoffLimit: must be at least 0");
  }
}

TEST(OperatorSchemaVersion, DurationsInGoSyntax) {
  EXPECT_EQ(parseDuration("90s", "x"), std::chrono::seconds(90));
  EXPECT_EQ(parseDuration("1h30m", "x"), std::chrono::seconds(5400));
  EXPECT_THROW(parseDuration("5", "x"), SpecError);
  EXPECT_THROW(parseDuration("5d", "x"), SpecError);
  EXPECT_THROW(parseDuration("", "x"), SpecError);
}

TEST(OperatorSchemaVersion, StatusRoundTripsThroughJson) {
  SchemaVersionStatus status;
  status.observedGeneration = 3;
  status.currentRevisions = {"2a3b7c4d5e07"};
  status.targetRevisions = {"2a3b7c4d5e07"};
  status.plan =
      Plan{"upgrade", 2, {"a1"}, {"2a3b7c4d5e07"}, false, "sha256:00", "sv-g1-abc-plan", "sv-plan"};
  status.lastRun = LastRun{"sv-g3-0123456789", "t0", "t1", "Succeeded", "Succeeded", "ok"};
  status.lastBackup = LastBackup{"/backups/x.dump", 1024, "abc", "t1"};
  status.gate = GateStatus{"Approval", "AwaitingApproval", "approve it", "t0"};
  status.nextWindowStart = "2026-12-13T02:00:00Z";
  status.planAttempt = 2;
  status.rehearsal = RehearsalStatus{"sv-g3-0123456789-rehearse",
                                     "sha256:00",
                                     "Failed",
                                     "RehearsalFailed",
                                     "failed at versions/a.sql:7",
                                     4.5,
                                     "a1 versions/a.sql 1.250s",
                                     0.25,
                                     "versions/a.sql:7",
                                     "t1"};
  status.conditions.push_back({"Ready", "True", "Succeeded", "", 3, "t1"});
  EXPECT_EQ(statusFromJson(statusToJson(status)), status);
}

TEST(OperatorConditions, TransitionTimeKeptWhenStatusUnchanged) {
  std::vector<Condition> conditions;
  EXPECT_TRUE(setCondition(conditions, {"Ready", "False", "Migrating", "a", 1, ""}, "t1"));
  EXPECT_EQ(conditions[0].lastTransitionTime, "t1");
  EXPECT_TRUE(setCondition(conditions, {"Ready", "False", "Stalled", "b", 1, ""}, "t2"));
  EXPECT_EQ(conditions[0].lastTransitionTime, "t1");
  EXPECT_EQ(conditions[0].reason, "Stalled");
  EXPECT_FALSE(setCondition(conditions, {"Ready", "False", "Stalled", "b", 1, ""}, "t3"));
  EXPECT_TRUE(setCondition(conditions, {"Ready", "True", "Succeeded", "", 1, ""}, "t4"));
  EXPECT_EQ(conditions[0].lastTransitionTime, "t4");
  EXPECT_TRUE(isConditionTrue(conditions, "Ready"));
  EXPECT_EQ(findCondition(conditions, "Stalled"), nullptr);
}

}  // namespace
}  // namespace retort::op
