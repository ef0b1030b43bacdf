// Issue 19, "What shows it is done": the gates with the operator as a process and its Jobs as
// real pods. Approval by annotation runs exactly the approved plan; scripts that changed between
// plan and approval are refused and planned again, the database untouched; plan mode never
// touches the database; a window in the past waits and one now proceeds; promotion waits for a
// staging SchemaVersion to be Ready at the same revision ids for readyFor. Issue 20: a rehearsal
// on a restored copy runs before the move, and one that fails on data Stalls it untouched.
#include <gtest/gtest.h>

#include <ctime>

#include "engine/runtime/connection.hpp"
#include "operator_fixture.hpp"

namespace retort::e2e {
namespace {

// Waits (bounded) until condition `type` reads "<status>/<reason>".
bool waitForReason(const std::string& ns, const std::string& name, const std::string& type,
                   const std::string& statusAndReason, int seconds) {
  return testing::wait_until(
      [&] { return svCondition(ns, name, type).rfind(statusAndReason + ":", 0) == 0; },
      std::chrono::seconds(seconds), std::chrono::milliseconds(500));
}

void apply(const std::string& manifest) {
  std::string output;
  ASSERT_EQ(E2e::get().cluster->apply(manifest, &output), 0) << output;
}

int approve(const std::string& ns, const std::string& name, const std::string& hash) {
  std::string output;
  const int code = E2e::get().cluster->run_kubectl(
      {"-n", ns, "annotate", "--overwrite", "sv", name, "retort.dev/approved-plan=" + hash},
      &output);
  EXPECT_EQ(code, 0) << output;
  return code;
}

// Whether the database has `table` (the version table: has it been touched at all?).
bool hasTable(const std::string& uri, const std::string& table) {
  engine::Connection conn(uri);
  return conn.exec("SELECT to_regclass('" + table + "') IS NOT NULL").value(0, 0) == "t";
}

std::string scriptsConfigMap(const std::string& ns, const std::string& columns) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gated-scripts, namespace: " + ns +
         "}\ndata:\n  2026_12_06_1000-0c0ffee00001_gift_wrap.sql: |\n"
         "    -- revision: 0c0ffee00001\n    -- down_revision:\n    -- branch_labels:\n"
         "    -- depends_on:\n    -- create_date: 2026-12-06 10:00:00\n"
         "    -- message: gift wrap\n    -- transactional: true\n\n    -- migrate:upgrade\n"
         "    CREATE TABLE gift_wrap (" +
         columns + ");\n\n    -- migrate:downgrade\n    DROP TABLE gift_wrap;\n";
}

// "HH:MM" of now + offset, UTC.
std::string clockIn(std::chrono::minutes offset) {
  const std::time_t at =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + offset);
  std::tm utc{};
  gmtime_r(&at, &utc);
  char text[8];
  std::strftime(text, sizeof text, "%H:%M", &utc);
  return text;
}

TEST(Gates, ApprovalByAnnotationRunsExactlyTheApprovedPlan) {
  OperatorWorld world("approval");
  OperatorProcess op(world.ns);
  apply(sweetshopSchemaVersion(world.ns, "sweetshop", "head", "  approval: {required: true}\n"));
  ASSERT_TRUE(waitForReason(world.ns, "sweetshop", "Reconciling", "True/AwaitingApproval", 180))
      << describeSv(world.ns, "sweetshop") << op.log();
  EXPECT_FALSE(hasTable(world.db.local, "alembic_version"));  // the plan touched nothing
  EXPECT_EQ(svCondition(world.ns, "sweetshop", "Stalled").substr(0, 6), "False/");
  const std::string hash = jsonpath(world.ns, "sv", "sweetshop", "{.status.plan.hash}");
  ASSERT_EQ(hash.rfind("sha256:", 0), 0u) << describeSv(world.ns, "sweetshop");
  EXPECT_EQ(jsonpath(world.ns, "configmap", "sweetshop-plan", "{.data.hash}"), hash);
  const std::string planText =
      jsonpath(world.ns, "configmap", "sweetshop-plan", "{.data.plan\\.txt}");
  EXPECT_NE(planText.find(sweetshopHead()), std::string::npos) << planText;
  EXPECT_EQ(jsonpath(world.ns, "sv", "sweetshop", "{.status.gate.name}"), "Approval");

  ASSERT_EQ(approve(world.ns, "sweetshop", hash), 0);
  ASSERT_TRUE(waitForSvCondition(world.ns, "sweetshop", "Ready", "True", 180))
      << describeSv(world.ns, "sweetshop") << op.log();
  engine::Connection conn(world.db.local);
  EXPECT_EQ(conn.exec("SELECT version_num FROM alembic_version").value(0, 0), sweetshopHead());
  EXPECT_EQ(jsonpath(world.ns, "sv", "sweetshop", "{.status.gate}"), "");
  // The Job that applied it was held to that plan.
  const std::string applied = jsonpath(world.ns, "sv", "sweetshop", "{.status.lastRun.jobName}");
  const std::string args =
      jsonpath(world.ns, "job", applied, "{.spec.template.spec.containers[0].args}");
  EXPECT_NE(args.find("\"--expect-plan\",\"" + hash + "\""), std::string::npos) << args;
}

// The approval reviewed in a pull request: the hash in spec.approval.approvedPlan. The spec
// change is a new generation, planned again; the same scripts and database give the same
// hash, which is then approved.
TEST(Gates, ApprovalInTheSpecRunsThePlanItNames) {
  OperatorWorld world("spec-approval");
  OperatorProcess op(world.ns);
  apply(sweetshopSchemaVersion(world.ns, "sweetshop", "head", "  approval: {required: true}\n"));
  ASSERT_TRUE(waitForReason(world.ns, "sweetshop", "Reconciling", "True/AwaitingApproval", 180))
      << describeSv(world.ns, "sweetshop") << op.log();
  const std::string hash = jsonpath(world.ns, "sv", "sweetshop", "{.status.plan.hash}");
  ASSERT_EQ(
      patchSpec(world.ns, "sweetshop",
                R"({"spec":{"approval":{"required":true,"approvedPlan":")" + hash + R"("}}})"),
      0);
  ASSERT_TRUE(waitForSvCondition(world.ns, "sweetshop", "Ready", "True", 180))
      << describeSv(world.ns, "sweetshop") << op.log();
  EXPECT_EQ(jsonpath(world.ns, "sv", "sweetshop", "{.status.plan.hash}"), hash);
  engine::Connection conn(world.db.local);
  EXPECT_EQ(conn.exec("SELECT version_num FROM alembic_version").value(0, 0), sweetshopHead());
}

TEST(Gates, ScriptsThatChangedAfterTheApprovalAreRefusedAndPlannedAgain) {
  OperatorWorld world("replan");
  OperatorProcess op(world.ns);
  apply(scriptsConfigMap(world.ns, "id BIGINT PRIMARY KEY"));
  apply(sweetshopSchemaVersion(world.ns, "sweetshop", "head", "  approval: {required: true}\n",
                               "    path: /scripts\n    configMaps: [gated-scripts]\n"));
  ASSERT_TRUE(waitForReason(world.ns, "sweetshop", "Reconciling", "True/AwaitingApproval", 180))
      << describeSv(world.ns, "sweetshop") << op.log();
  const std::string approved = jsonpath(world.ns, "sv", "sweetshop", "{.status.plan.hash}");

  // The script changes under the same revision id after the plan was approved: the apply Job
  // must refuse it (--expect-plan), and a new plan must be asked for.
  apply(scriptsConfigMap(world.ns, "id BIGINT PRIMARY KEY, colour TEXT"));
  ASSERT_EQ(approve(world.ns, "sweetshop", approved), 0);
  ASSERT_TRUE(testing::wait_until(
      [&] {
        return jsonpath(world.ns, "sv", "sweetshop", "{.status.planAttempt}") == "1" &&
               svCondition(world.ns, "sweetshop", "Reconciling")
                       .rfind("True/AwaitingApproval", 0) == 0;
      },
      std::chrono::seconds(240), std::chrono::milliseconds(500)))
      << describeSv(world.ns, "sweetshop") << op.log();
  const std::string replanned = jsonpath(world.ns, "sv", "sweetshop", "{.status.plan.hash}");
  EXPECT_NE(replanned, approved);
  EXPECT_NE(svCondition(world.ns, "sweetshop", "Reconciling").find("which is stale"),
            std::string::npos)
      << svCondition(world.ns, "sweetshop", "Reconciling");
  EXPECT_FALSE(hasTable(world.db.local, "gift_wrap"));
  EXPECT_FALSE(hasTable(world.db.local, "alembic_version"));

  ASSERT_EQ(approve(world.ns, "sweetshop", replanned), 0);
  ASSERT_TRUE(waitForSvCondition(world.ns, "sweetshop", "Ready", "True", 180))
      << describeSv(world.ns, "sweetshop") << op.log();
  engine::Connection conn(world.db.local);
  EXPECT_EQ(conn.exec("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                      "'gift_wrap' AND column_name = 'colour'")
                .value(0, 0),
            "1");
}

TEST(Gates, PlanModeNeverAppliesAndAWindowInThePastWaits) {
  OperatorWorld world("preview");
  OperatorProcess op(world.ns);
  apply(sweetshopSchemaVersion(world.ns, "sweetshop", "head", "  mode: Plan\n"));
  ASSERT_TRUE(waitForReason(world.ns, "sweetshop", "Reconciling", "True/PlanOnly", 180))
      << describeSv(world.ns, "sweetshop") << op.log();
  EXPECT_FALSE(jsonpath(world.ns, "configmap", "sweetshop-plan", "{.data.hash}").empty());
  const std::string steps = jsonpath(world.ns, "sv", "sweetshop", "{.status.plan.steps}");
  EXPECT_TRUE(!steps.empty() && steps != "0") << describeSv(world.ns, "sweetshop");

  // Apply, but only in a window that opened two hours ago for an hour: it waits.
  const std::string past = clockIn(std::chrono::minutes(-120));
  ASSERT_EQ(patchSpec(world.ns, "sweetshop",
                      R"({"spec":{"mode":"Apply","windows":[{"start":")" + past +
                          R"(","duration":"1h"}]}})"),
            0);
  ASSERT_TRUE(waitForReason(world.ns, "sweetshop", "Reconciling", "True/OutsideWindow", 180))
      << describeSv(world.ns, "sweetshop") << op.log();
  EXPECT_FALSE(jsonpath(world.ns, "sv", "sweetshop", "{.status.nextWindowStart}").empty());
  EXPECT_FALSE(hasTable(world.db.local, "alembic_version"));

  // A window open now: the move runs.
  const std::string now = clockIn(std::chrono::minutes(-5));
  ASSERT_EQ(patchSpec(world.ns, "sweetshop",
                      R"({"spec":{"windows":[{"start":")" + now + R"(","duration":"1h"}]}})"),
            0);
  ASSERT_TRUE(waitForSvCondition(world.ns, "sweetshop", "Ready", "True", 180))
      << describeSv(world.ns, "sweetshop") << op.log();
  EXPECT_TRUE(hasTable(world.db.local, "alembic_version"));
}

TEST(Gates, PromotionWaitsUntilStagingHasBeenReadyAtTheSameIds) {
  OperatorWorld world("promotion");
  OperatorProcess op(world.ns);
  const E2e::Database staging = E2e::get().createDatabase("e2e_op_promotion_staging");
  apply("apiVersion: v1\nkind: Secret\nmetadata:\n  name: staging-db\n  namespace: " + world.ns +
        "\nstringData:\n  uri: \"" + staging.forPods + "\"\n");
  apply(sweetshopSchemaVersion(world.ns, "production", "head",
                               "  promotion:\n    after: [{name: staging, readyFor: 20s}]\n"));
  ASSERT_TRUE(waitForReason(world.ns, "production", "Reconciling", "True/WaitingForPromotion", 180))
      << describeSv(world.ns, "production") << op.log();
  EXPECT_NE(svCondition(world.ns, "production", "Reconciling").find("staging not found"),
            std::string::npos);

  std::string stagingManifest = sweetshopSchemaVersion(world.ns, "staging", "head");
  stagingManifest.replace(stagingManifest.find("sweetshop-db"), 12, "staging-db");
  apply(stagingManifest);
  ASSERT_TRUE(waitForSvCondition(world.ns, "staging", "Ready", "True", 180))
      << describeSv(world.ns, "staging") << op.log();
  EXPECT_FALSE(hasTable(world.db.local, "alembic_version"));  // production waits out the soak
  ASSERT_TRUE(waitForSvCondition(world.ns, "production", "Ready", "True", 180))
      << describeSv(world.ns, "production") << op.log();
  engine::Connection conn(world.db.local);
  EXPECT_EQ(conn.exec("SELECT version_num FROM alembic_version").value(0, 0), sweetshopHead());
}

// A Secret "scratch-db" naming the test server: the rehearsal restores its copy into a new
// database there, never into the source.
void applyScratchSecret(const OperatorWorld& world) {
  apply("apiVersion: v1\nkind: Secret\nmetadata:\n  name: scratch-db\n  namespace: " + world.ns +
        "\nstringData:\n  uri: \"" + world.db.serverForPods + "\"\n");
}

constexpr const char* kRehearsalSpec =
    "  rehearsal:\n    required: true\n    scratchDatabase: {secretRef: {name: scratch-db}}\n";

// Copies the rehearsals left on the server (there must be none once a rehearsal ended).
std::string scratchDatabasesLeft(const OperatorWorld& world) {
  engine::Connection conn(world.db.local);
  return conn
      .exec(
          "SELECT coalesce(string_agg(datname, ','), '') FROM pg_database WHERE datname LIKE "
          "'retort\\_rehearsal\\_%'")
      .value(0, 0);
}

// Issue 20: with spec.rehearsal.required the plan runs on a restored copy in a Job of its own,
// and the move starts only after that rehearsal of the same hash succeeded.
TEST(Gates, TheRehearsalJobRunsThePlanOnACopyThenTheMoveRuns) {
  OperatorWorld world("rehearsal");
  OperatorProcess op(world.ns);
  applyScratchSecret(world);
  apply(sweetshopSchemaVersion(world.ns, "sweetshop", "head", kRehearsalSpec));
  ASSERT_TRUE(waitForSvCondition(world.ns, "sweetshop", "Ready", "True", 240))
      << describeSv(world.ns, "sweetshop") << op.log();
  engine::Connection conn(world.db.local);
  EXPECT_EQ(conn.exec("SELECT version_num FROM alembic_version").value(0, 0), sweetshopHead());
  const std::string hash = jsonpath(world.ns, "sv", "sweetshop", "{.status.plan.hash}");
  ASSERT_EQ(hash.rfind("sha256:", 0), 0u) << describeSv(world.ns, "sweetshop");
  EXPECT_EQ(jsonpath(world.ns, "sv", "sweetshop", "{.status.rehearsal.planHash}"), hash);
  EXPECT_EQ(jsonpath(world.ns, "sv", "sweetshop", "{.status.rehearsal.outcome}"), "Succeeded");
  EXPECT_NE(jsonpath(world.ns, "sv", "sweetshop", "{.status.rehearsal.slowestStep}"), "");
  EXPECT_EQ(svCondition(world.ns, "sweetshop", "Rehearsed").rfind("True/Rehearsed:", 0), 0u)
      << svCondition(world.ns, "sweetshop", "Rehearsed");
  // The rehearsal was a real pod of its own Job, before the one that applied the plan.
  const std::string rehearsal =
      jsonpath(world.ns, "sv", "sweetshop", "{.status.rehearsal.jobName}");
  ASSERT_TRUE(rehearsal.ends_with("-rehearse")) << rehearsal;
  EXPECT_EQ(jsonpath(world.ns, "job", rehearsal, "{.status.succeeded}"), "1");
  const std::string args =
      jsonpath(world.ns, "job", rehearsal, "{.spec.template.spec.containers[0].args}");
  EXPECT_NE(args.find("\"rehearse\""), std::string::npos) << args;
  EXPECT_NE(args.find("\"--expect-plan\",\"" + hash + "\""), std::string::npos) << args;
  const std::string applied = jsonpath(world.ns, "sv", "sweetshop", "{.status.lastRun.jobName}");
  // RFC 3339 in UTC to the second: compared as text, the rehearsal ended before the move began.
  EXPECT_LE(jsonpath(world.ns, "job", rehearsal, "{.status.completionTime}"),
            jsonpath(world.ns, "job", applied, "{.status.startTime}"));
  EXPECT_EQ(scratchDatabasesLeft(world), "");
  const std::string metrics = httpGet(op.metricsAddress(), "/metrics");
  EXPECT_EQ(metricValue(metrics, "retort_rehearsals_total",
                        {"name=\"sweetshop\"", "result=\"succeeded\""}),
            1.0)
      << metrics;
}

// A plan that fails only on real data: a NOT NULL over a column holding NULLs. The rehearsal
// fails with the file and line, the move is Stalled, and production is untouched.
TEST(Gates, ARehearsalThatFailsOnDataStallsAndLeavesTheDatabaseUntouched) {
  OperatorWorld world("rehearsal-fails");
  OperatorProcess op(world.ns);
  applyScratchSecret(world);
  {
    engine::Connection conn(world.db.local);
    conn.exec("CREATE TABLE legacy_notes (id BIGINT PRIMARY KEY, note TEXT)");
    conn.exec("INSERT INTO legacy_notes VALUES (1, 'kept'), (2, NULL)");
  }
  const std::string before = schemaSnapshot(world.db.local);
  apply(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes-scripts, namespace: " + world.ns +
      "}\ndata:\n  2026_12_07_1000-0c0ffee00002_notes_required.sql: |\n"
      "    -- revision: 0c0ffee00002\n    -- down_revision:\n    -- branch_labels:\n"
      "    -- depends_on:\n    -- create_date: 2026-12-07 10:00:00\n"
      "    -- message: notes required\n    -- transactional: true\n\n    -- migrate:upgrade\n"
      "    ALTER TABLE legacy_notes ALTER COLUMN note SET NOT NULL;\n\n"
      "    -- migrate:downgrade\n    ALTER TABLE legacy_notes ALTER COLUMN note DROP NOT NULL;\n");
  apply(sweetshopSchemaVersion(world.ns, "sweetshop", "head", kRehearsalSpec,
                               "    path: /scripts\n    configMaps: [notes-scripts]\n"));
  ASSERT_TRUE(waitForReason(world.ns, "sweetshop", "Stalled", "True/RehearsalFailed", 240))
      << describeSv(world.ns, "sweetshop") << op.log();
  const std::string stalled = svCondition(world.ns, "sweetshop", "Stalled");
  EXPECT_NE(stalled.find("2026_12_07_1000-0c0ffee00002_notes_required.sql:"), std::string::npos)
      << stalled;
  EXPECT_NE(jsonpath(world.ns, "sv", "sweetshop", "{.status.rehearsal.failedStep}")
                .find("notes_required.sql:"),
            std::string::npos)
      << describeSv(world.ns, "sweetshop");
  EXPECT_EQ(jsonpath(world.ns, "sv", "sweetshop", "{.status.rehearsal.outcome}"), "Failed");
  EXPECT_EQ(svCondition(world.ns, "sweetshop", "Rehearsed").rfind("False/RehearsalFailed:", 0), 0u);
  EXPECT_EQ(schemaSnapshot(world.db.local), before);
  EXPECT_FALSE(hasTable(world.db.local, "alembic_version"));
  EXPECT_EQ(scratchDatabasesLeft(world), "");
  // No Job but the plan's and the rehearsal's was created.
  for (const std::string& job : jobsIn(world.ns))
    EXPECT_TRUE(job.find("-plan ") != std::string::npos ||
                job.find("-rehearse ") != std::string::npos)
        << job;
}

}  // namespace
}  // namespace retort::e2e
