// Issue 11, "What shows it is done": the SchemaVersion operator as a process (`retort
// controller`, with the RBAC it ships with) on the one-node cluster, its Jobs running the Retort
// image as real pods against the test PostgreSQL. Each test has its own namespace, database,
// backup volume and operator process; the cluster is shared by the test binary.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include "engine/runtime/connection.hpp"
#include "operator_fixture.hpp"
#include "postgres_server.hpp"

namespace retort::e2e {
namespace {

// The revision before the SweetShop's head (migrations/versions/..._revoked_tokens.sql).
constexpr const char* kBeforeHead = "8f1a6b2c3d06";

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Creates the SchemaVersion and waits for Ready (kubectl wait, bounded).
void createAndWaitReady(const OperatorWorld& world, const OperatorProcess& op,
                        const std::string& name, const std::string& target,
                        const std::string& extraSpec = "") {
  applyAndWaitReady(op, world.ns, name, sweetshopSchemaVersion(world.ns, name, target, extraSpec),
                    180);
}

// Scrapes the operator's /metrics until `metric{labels}` equals `expected` (bounded).
::testing::AssertionResult metricReaches(const OperatorProcess& op, const std::string& metric,
                                         const std::vector<std::string>& labels, double expected) {
  std::string body;
  double value = std::nan("");
  const bool reached = testing::wait_until(
      [&] {
        int status = 0;
        body = httpGet(op.metricsAddress(), "/metrics", &status);
        value = metricValue(body, metric, labels);
        return status == 200 && value == expected;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(500));
  if (reached) return ::testing::AssertionSuccess();
  std::string wanted = metric + "{";
  for (const auto& label : labels) wanted += label + ",";
  return ::testing::AssertionFailure()
         << wanted << "} is " << value << ", expected " << expected << "\n/metrics:\n"
         << body;
}

TEST(Operator, NewSweetShopBecomesReadyAtHeadWithVerifiedBackup) {
  OperatorWorld world("ready");
  OperatorProcess op(world.ns);
  createAndWaitReady(world, op, "sweetshop", "head");

  const std::string head = sweetshopHead();
  EXPECT_EQ(jsonpath(world.ns, "sv", "sweetshop", "{.status.currentRevisions}"),
            "[\"" + head + "\"]");
  EXPECT_EQ(jsonpath(world.ns, "sv", "sweetshop", "{.status.targetRevisions}"),
            "[\"" + head + "\"]");
  engine::Connection conn(world.db.local);
  EXPECT_EQ(conn.exec("SELECT version_num FROM alembic_version").value(0, 0), head);

  // The backup the status names is on the volume, matches its sidecar and is a dump
  // pg_restore can read (the SweetShop starts from an empty database, so it holds no tables).
  const std::string file = jsonpath(world.ns, "sv", "sweetshop", "{.status.lastBackup.file}");
  const std::string sha = jsonpath(world.ns, "sv", "sweetshop", "{.status.lastBackup.sha256}");
  ASSERT_FALSE(file.empty()) << describeSv(world.ns, "sweetshop");
  EXPECT_EQ(svCondition(world.ns, "sweetshop", "BackupSucceeded").substr(0, 5), "True/");
  const auto onHost = world.backupDir / std::filesystem::path(file).filename();
  ASSERT_TRUE(std::filesystem::exists(onHost)) << file << " not in " << world.backupDir;
  const std::string sidecar = readFile(onHost.string() + ".json");
  EXPECT_NE(sidecar.find(sha), std::string::npos) << sidecar;
  std::string output;
  ASSERT_EQ(test::runCommand("sha256sum '" + onHost.string() + "'", &output), 0);
  EXPECT_EQ(output.substr(0, 64), sha);
  EXPECT_EQ(test::runCommand("pg_restore --list '" + onHost.string() + "' 2>&1", &output), 0)
      << output;

  EXPECT_TRUE(metricReaches(op, "retort_schemaversion_ready",
                            {"namespace=\"" + world.ns + "\"", "name=\"sweetshop\""}, 1));
  // Alive, and ready (its caches synced long ago).
  for (const char* path : {"/healthz", "/readyz"}) {
    int status = 0;
    httpGet(op.healthAddress(), path, &status);
    EXPECT_EQ(status, 200) << path << " on " << op.healthAddress();
  }
}

TEST(Operator, DowngradeStallsWithoutPolicyAndRunsAfterABackupWithIt) {
  OperatorWorld world("downgrade");
  OperatorProcess op(world.ns);
  createAndWaitReady(world, op, "sweetshop", "head");
  const std::string before = schemaSnapshot(world.db.local);
  const std::string firstBackup =
      jsonpath(world.ns, "sv", "sweetshop", "{.status.lastBackup.file}");

  ASSERT_NO_FATAL_FAILURE(expectDowngradeRefused(world, op, "sweetshop", kBeforeHead, before));

  ASSERT_EQ(patchSpec(world.ns, "sweetshop",
                      "{\"spec\":{\"policy\":{\"allowDowngrade\":true,\"allowDataLoss\":true}}}"),
            0);
  ASSERT_TRUE(waitForSvCondition(world.ns, "sweetshop", "Ready", "True", 180))
      << describeSv(world.ns, "sweetshop") << op.log();
  EXPECT_EQ(jsonpath(world.ns, "sv", "sweetshop", "{.status.currentRevisions}"),
            std::string("[\"") + kBeforeHead + "\"]");
  engine::Connection conn(world.db.local);
  EXPECT_EQ(conn.exec("SELECT version_num FROM alembic_version").value(0, 0), kBeforeHead);
  EXPECT_EQ(conn.exec("SELECT to_regclass('public.audit_log') IS NULL").value(0, 0), "t");
  // The downgrade's own backup, taken at head before anything was dropped.
  const std::string backup = jsonpath(world.ns, "sv", "sweetshop", "{.status.lastBackup.file}");
  EXPECT_NE(backup, firstBackup);
  const auto onHost = world.backupDir / std::filesystem::path(backup).filename();
  std::string listing;
  ASSERT_EQ(test::runCommand("pg_restore --list '" + onHost.string() + "' 2>&1", &listing), 0)
      << listing;
  EXPECT_NE(listing.find("audit_log"), std::string::npos) << listing;
}

// A ConfigMap's script whose second statement fails: the step rolls back as a whole.
std::string brokenScripts(const std::string& ns) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken-scripts\n  namespace: " + ns +
         "\ndata:\n"
         "  2026_11_02_0900-e2e0broken01_broken.sql: |\n"
         "    -- revision: e2e0broken01\n"
         "    -- down_revision:\n"
         "    -- branch_labels:\n"
         "    -- depends_on:\n"
         "    -- create_date: 2026-11-02 09:00:00\n"
         "    -- message: broken\n"
         "    -- transactional: true\n"
         "\n"
         "    -- migrate:upgrade\n"
         "    CREATE TABLE e2e_partial (id integer);\n"
         "    INSERT INTO no_such_table VALUES (1);\n"
         "\n"
         "    -- migrate:downgrade\n"
         "    DROP TABLE e2e_partial;\n";
}

TEST(Operator, FailingScriptStallsNamingFileAndLineAndLeavesTheDatabase) {
  OperatorWorld world("broken");
  std::string output;
  ASSERT_EQ(E2e::get().cluster->apply(brokenScripts(world.ns), &output), 0) << output;
  OperatorProcess op(world.ns);
  const std::string before = schemaSnapshot(world.db.local, false);
  ASSERT_EQ(E2e::get().cluster->apply(
                sweetshopSchemaVersion(world.ns, "broken", "head", "",
                                       "    path: /scripts\n    configMaps: [broken-scripts]\n"),
                &output),
            0)
      << output;
  ASSERT_TRUE(waitForSvCondition(world.ns, "broken", "Stalled", "True", 180))
      << describeSv(world.ns, "broken") << op.log();
  const std::string stalled = svCondition(world.ns, "broken", "Stalled");
  // Line 11 of the file: the INSERT into the missing table.
  EXPECT_NE(stalled.find("/scripts/versions/2026_11_02_0900-e2e0broken01_broken.sql:11:"),
            std::string::npos)
      << stalled;
  EXPECT_EQ(stalled.rfind("True/StepFailed", 0), 0u) << stalled;
  // The step rolled back as a whole (e2e_partial is not there); no revision is recorded.
  EXPECT_EQ(schemaSnapshot(world.db.local, false), before);
  EXPECT_TRUE(
      metricReaches(op, "retort_migrations_total",
                    {"namespace=\"" + world.ns + "\"", "name=\"broken\"", "result=\"failed\""}, 1));
}

TEST(Operator, DatabaseStoppedDuringARunThenBackBecomesReady) {
  OperatorWorld world("pgdown");
  OperatorProcess op(world.ns);
  StoppedPostgres stopped;
  std::string output;
  ASSERT_EQ(
      E2e::get().cluster->apply(sweetshopSchemaVersion(world.ns, "sweetshop", "head"), &output), 0)
      << output;
  // The run is under way and cannot reach the database: retort logs each failed attempt.
  const bool retrying = testing::wait_until(
      [&] {
        E2e::get().cluster->run_kubectl(
            {"-n", world.ns, "logs", "-l", "app.kubernetes.io/component=migration"}, &output);
        return output.find("attempt 1 failed") != std::string::npos;
      },
      std::chrono::seconds(120), std::chrono::milliseconds(500));
  ASSERT_TRUE(retrying) << describeSv(world.ns, "sweetshop") << op.log();
  EXPECT_EQ(svCondition(world.ns, "sweetshop", "Ready").substr(0, 6), "False/");
  ASSERT_TRUE(stopped.start(&output)) << output;
  ASSERT_EQ(kubectlWait(world.ns, "sweetshop", "Ready", 180, &output), 0)
      << output << describeSv(world.ns, "sweetshop") << op.log();
  EXPECT_EQ(jsonpath(world.ns, "sv", "sweetshop", "{.status.currentRevisions}"),
            "[\"" + sweetshopHead() + "\"]");
}

// One step that sleeps before it creates its table, so the server can be stopped inside it.
std::string sleepingScripts(const std::string& ns) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sleeping-scripts\n  namespace: " +
         ns +
         "\ndata:\n"
         "  2026_11_03_0900-e2e0sleeps01_sleeps.sql: |\n"
         "    -- revision: e2e0sleeps01\n"
         "    -- down_revision:\n"
         "    -- message: sleeps\n"
         "\n"
         "    -- migrate:upgrade\n"
         "    SELECT pg_sleep(15);\n"
         "    CREATE TABLE e2e_after_sleep (id integer);\n"
         "\n"
         "    -- migrate:downgrade\n"
         "    DROP TABLE e2e_after_sleep;\n";
}

// The server stopped while a transactional step runs (issue 23): the step rolled back on the
// server, so the run is transient (exit 5, ConnectionLost, naming the step), the Job retries it
// in a new pod, and the SchemaVersion becomes Ready once the database is back.
TEST(Operator, DatabaseStoppedMidStepIsTransientAndTheRetryFinishes) {
  OperatorWorld world("pgmidstep");
  std::string output;
  ASSERT_EQ(E2e::get().cluster->apply(sleepingScripts(world.ns), &output), 0) << output;
  OperatorProcess op(world.ns);
  ASSERT_EQ(E2e::get().cluster->apply(
                sweetshopSchemaVersion(world.ns, "sleeps", "head", "",
                                       "    path: /scripts\n    configMaps: [sleeping-scripts]\n"),
                &output),
            0)
      << output;
  const std::string database = world.db.local.substr(world.db.local.rfind('/') + 1);
  const bool sleeping = testing::wait_until(
      [&] {
        engine::Connection admin(test::PostgresServer::shared().uri());
        return admin
                   .exec("SELECT count(*) FROM pg_stat_activity WHERE datname = " +
                         admin.quoteLiteral(database) + " AND query LIKE '%pg_sleep(15)%'")
                   .value(0, 0) == "1";
      },
      std::chrono::seconds(180), std::chrono::milliseconds(200));
  ASSERT_TRUE(sleeping) << describeSv(world.ns, "sleeps") << op.log();
  std::optional<StoppedPostgres> stopped(std::in_place);
  // The pod ends with exit 5 (transient) and says which step was interrupted; the Job's pod
  // failure policy starts another pod, so the move is neither failed nor stalled.
  std::string terminated;
  const bool transient = testing::wait_until(
      [&] {
        E2e::get().cluster->run_kubectl(
            {"-n", world.ns, "get", "pods", "-l", "app.kubernetes.io/component=migration", "-o",
             "jsonpath={range .items[*]}{.status.containerStatuses[0].state.terminated.exitCode} "
             "{.status.containerStatuses[0].state.terminated.message}{\"\\n\"}{end}"},
            &terminated);
        return terminated.find("5 {") != std::string::npos;
      },
      std::chrono::seconds(120), std::chrono::milliseconds(500));
  ASSERT_TRUE(transient) << terminated << describeSv(world.ns, "sleeps") << op.log();
  EXPECT_NE(terminated.find("\"reason\":\"ConnectionLost\""), std::string::npos) << terminated;
  EXPECT_NE(terminated.find("2026_11_03_0900-e2e0sleeps01_sleeps.sql"), std::string::npos)
      << terminated;
  EXPECT_NE(svCondition(world.ns, "sleeps", "Stalled").rfind("True/", 0), 0u)
      << describeSv(world.ns, "sleeps");
  EXPECT_EQ(jsonpath(world.ns, "sv", "sleeps", "{.status.currentRevisions}"), "[]");
  ASSERT_TRUE(stopped->start(&output)) << output;
  stopped.reset();
  ASSERT_EQ(kubectlWait(world.ns, "sleeps", "Ready", 240, &output), 0)
      << output << describeSv(world.ns, "sleeps") << op.log();
  EXPECT_EQ(jsonpath(world.ns, "sv", "sleeps", "{.status.currentRevisions}"), "[\"e2e0sleeps01\"]");
  engine::Connection db(world.db.local);
  EXPECT_EQ(db.exec("SELECT to_regclass('e2e_after_sleep') IS NOT NULL").value(0, 0), "t");
}

TEST(Operator, DatabaseMovedByHandIsReportedAsDrift) {
  OperatorWorld world("drift");
  OperatorProcess op(world.ns);
  createAndWaitReady(world, op, "sweetshop", "head");
  std::string output;
  ASSERT_EQ(test::runCommand("DATABASE_URL=" + world.db.local + " " + RETORT_BINARY + " -d " +
                                 RETORT_SOURCE_DIR + "/migrations downgrade -1 2>&1",
                             &output),
            0)
      << output;
  // driftCheckInterval is 10s: the next check sees it (the repair that follows may clear the
  // condition again, so this watches for the transition rather than polling for a state).
  ASSERT_EQ(kubectlWait(world.ns, "sweetshop", "Drifted=True", 40, &output), 0)
      << output << describeSv(world.ns, "sweetshop") << op.log();
  E2e::get().cluster->run_kubectl(
      {"-n", world.ns, "get", "events", "-o", "jsonpath={range .items[*]}{.reason}{\"\\n\"}{end}"},
      &output);
  EXPECT_NE(output.find("Drifted"), std::string::npos) << output;
  // The upgrade back to head is allowed by the policy: the repair runs and the drift clears.
  ASSERT_TRUE(waitForSvCondition(world.ns, "sweetshop", "Drifted", "False", 120))
      << describeSv(world.ns, "sweetshop") << op.log();
  ASSERT_TRUE(waitForSvCondition(world.ns, "sweetshop", "Ready", "True", 120))
      << describeSv(world.ns, "sweetshop") << op.log();
  engine::Connection conn(world.db.local);
  EXPECT_EQ(conn.exec("SELECT version_num FROM alembic_version").value(0, 0), sweetshopHead());
}

TEST(Operator, KilledWhileAJobRunsTheRestartedOperatorCreatesNoSecondJob) {
  OperatorWorld world("restart");
  std::vector<std::string> jobs;
  {
    OperatorProcess first(world.ns);
    std::string output;
    ASSERT_EQ(
        E2e::get().cluster->apply(sweetshopSchemaVersion(world.ns, "sweetshop", "head"), &output),
        0)
        << output;
    ASSERT_TRUE(testing::wait_until([&] { return !(jobs = jobsIn(world.ns)).empty(); },
                                    std::chrono::seconds(60)))
        << first.log();
    first.kill();
  }
  ASSERT_EQ(jobs.size(), 1u);
  OperatorProcess second(world.ns);
  std::string output;
  ASSERT_EQ(kubectlWait(world.ns, "sweetshop", "Ready", 180, &output), 0)
      << output << describeSv(world.ns, "sweetshop") << second.log();
  // The same Job (name and uid): neither a second one nor a re-creation.
  EXPECT_EQ(jobsIn(world.ns), jobs);
  EXPECT_EQ(jsonpath(world.ns, "sv", "sweetshop", "{.status.lastRun.jobName}"),
            jobs[0].substr(0, jobs[0].find(' ')));
}

std::string leaseHolder() {
  return jsonpath("retort-system", "lease", "retort-controller", "{.spec.holderIdentity}");
}

bool heldBy(const OperatorProcess& op) {
  const std::string holder = leaseHolder();
  const std::string suffix = "_" + std::to_string(op.pid());
  return holder.size() > suffix.size() &&
         holder.compare(holder.size() - suffix.size(), suffix.size(), suffix) == 0;
}

TEST(Operator, SecondOperatorTakesOverWhenTheLeaderIsKilled) {
  OperatorWorld world("leader");
  auto a = std::make_unique<OperatorProcess>(world.ns, std::vector<std::string>{"--leader-elect"});
  auto b = std::make_unique<OperatorProcess>(world.ns, std::vector<std::string>{"--leader-elect"});
  ASSERT_TRUE(
      testing::wait_until([&] { return heldBy(*a) || heldBy(*b); }, std::chrono::seconds(60)))
      << "holder " << leaseHolder() << "\n"
      << a->log() << b->log();
  auto& leader = heldBy(*a) ? a : b;
  auto& follower = heldBy(*a) ? b : a;
  createAndWaitReady(world, *leader, "first", "head");

  leader->kill();
  ASSERT_TRUE(testing::wait_until([&] { return heldBy(*follower); }, std::chrono::seconds(90)))
      << "holder " << leaseHolder() << "\n"
      << follower->log();
  EXPECT_TRUE(follower->running());
  // Work continues under the new leader: a second SchemaVersion (its own database) is migrated.
  const auto db = E2e::get().createDatabase("e2e_op_leader_second");
  std::string output;
  ASSERT_EQ(E2e::get().cluster->apply(
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: second-db\n  namespace: " +
                    world.ns + "\nstringData:\n  uri: \"" + db.forPods + "\"\n",
                &output),
            0)
      << output;
  std::string second = sweetshopSchemaVersion(world.ns, "second", "head");
  second.replace(second.find("sweetshop-db"), std::string("sweetshop-db").size(), "second-db");
  ASSERT_EQ(E2e::get().cluster->apply(second, &output), 0) << output;
  ASSERT_EQ(kubectlWait(world.ns, "second", "Ready", 180, &output), 0)
      << output << describeSv(world.ns, "second") << follower->log();
}

TEST(Operator, SteadyStateWritesNothingToTheApiServer) {
  OperatorWorld world("steady");
  OperatorProcess op(world.ns);
  createAndWaitReady(world, op, "sweetshop", "head");
  // What the operator writes, read from the objects themselves (the API server's request
  // counters count every client of the shared cluster): the SchemaVersion (any status write
  // bumps its resourceVersion), the Jobs in its namespace, and the Events the operator reported
  // there, each with its resourceVersion (a repeat updates the series).
  const auto operatorWrites = [&] {
    std::string jobs;
    std::string events;
    E2e::get().cluster->run_kubectl(
        {"-n", world.ns, "get", "jobs", "-o", "jsonpath={range .items[*]}{.metadata.name} {end}"},
        &jobs);
    E2e::get().cluster->run_kubectl(
        {"-n", world.ns, "get", "events.events.k8s.io", "-o",
         "jsonpath={range "
         ".items[?(@.reportingController==\"retort.dev/schemaversion-controller\")]}"
         "{.metadata.name}={.metadata.resourceVersion} {end}"},
        &events);
    return "schemaversion " +
           jsonpath(world.ns, "schemaversion", "sweetshop", "{.metadata.resourceVersion}") +
           "; jobs " + jobs + "; events " + events;
  };
  // Let the Job's completion settle (the operator's last status write follows the Job's): the
  // window starts once these have stood still for 5 s.
  ASSERT_TRUE(metricReaches(op, "retort_workqueue_depth", {}, 0));
  std::string before = operatorWrites();
  auto stillSince = std::chrono::steady_clock::now();
  ASSERT_TRUE(testing::wait_until(
      [&] {
        std::string now = operatorWrites();
        if (now != before) {
          before = std::move(now);
          stillSince = std::chrono::steady_clock::now();
        }
        return std::chrono::steady_clock::now() - stillSince >= std::chrono::seconds(5);
      },
      std::chrono::seconds(60), std::chrono::milliseconds(500)))
      << "writes never stood still";
  ASSERT_NE(before.find("events sweetshop"), std::string::npos)
      << "the operator's Events are not where this test reads them: " << before;
  const std::vector<std::string> sv = {"namespace=\"" + world.ns + "\"", "name=\"sweetshop\""};
  // The window: two drift checks of this SchemaVersion (driftCheckInterval 10s), each a read of
  // the database (in sync: no reconcile), counted by the operator itself.
  double checks = std::nan("");
  const auto driftChecks = [&] {
    double sum = 0;
    for (const char* result : {"in_sync", "drifted", "failed"}) {
      std::vector<std::string> labels = sv;
      labels.push_back(std::string("result=\"") + result + "\"");
      const double value = metricValue(httpGet(op.metricsAddress(), "/metrics"),
                                       "retort_drift_checks_total", labels);
      if (!std::isnan(value)) sum += value;
    }
    return sum;
  };
  const double start = driftChecks();
  ASSERT_TRUE(testing::wait_until([&] { return (checks = driftChecks()) >= start + 2; },
                                  std::chrono::seconds(60), std::chrono::milliseconds(500)))
      << "drift checks " << start << " -> " << checks << "\n"
      << op.log();
  EXPECT_EQ(operatorWrites(), before) << op.log();
  EXPECT_EQ(svCondition(world.ns, "sweetshop", "Ready").substr(0, 5), "True/");
}

}  // namespace
}  // namespace retort::e2e
