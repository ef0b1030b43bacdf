// Issue 9 (a): a Job in the Retort image, restricted, with the database URI from a Secret, runs
// `retort run` (the Job's contract, DESIGN.md section 5) to move the SweetShop on the test
// PostgreSQL to head; its RunReport, written to /dev/termination-log, is read back from the pod
// status, for a success and for a failure.
#include <gtest/gtest.h>

#include "e2e_environment.hpp"
#include "engine/runtime/connection.hpp"
#include "job_manifest.hpp"
#include "postgres_server.hpp"

namespace retort::e2e {
namespace {

std::string secretManifest(const std::string& ns, const std::string& uri) {
  return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: sweetshop-db\n  namespace: " + ns +
         "\nstringData:\n  uri: \"" + uri + "\"\n";
}

const char* kDatabaseUrlFromSecret =
    "- name: DATABASE_URL\n  valueFrom:\n    secretKeyRef: {name: sweetshop-db, key: uri}";

TEST(RetortJob, UpgradesSweetShopToHeadWithUriFromSecret) {
  auto& e2e = E2e::get();
  const auto db = e2e.createDatabase("e2e_upgrade");
  const auto ns = e2e.createNamespace("upgrade");
  std::string output;
  ASSERT_EQ(e2e.cluster->apply(secretManifest(ns, db.forPods), &output), 0) << output;
  JobSpec job(ns, "migrate", e2e.retortImage,
              {"-d", "/migrations", "run", "head", "--backup", "disabled", "--report",
               "/dev/termination-log"});
  job.envYaml = kDatabaseUrlFromSecret;
  ASSERT_EQ(e2e.cluster->apply(jobManifest(job), &output), 0) << output;

  const auto conditions = waitForJobFinished(ns, "migrate", 180);
  ASSERT_NE(conditions.find("Complete=True"), std::string::npos)
      << conditions << "\n"
      << (e2e.cluster->run_kubectl({"-n", ns, "logs", "job/migrate"}, &output), output);
  const auto pods = jobPods(ns, "migrate");
  ASSERT_EQ(pods.size(), 1u);
  EXPECT_EQ(
      jsonpath(ns, "pod", pods[0], "{.status.containerStatuses[0].state.terminated.exitCode}"),
      "0");

  engine::Connection conn(db.local);
  auto version = conn.exec("SELECT version_num FROM alembic_version");
  ASSERT_EQ(version.rows(), 1);
  EXPECT_EQ(version.value(0, 0), sweetshopHead());
  auto tables = conn.exec(
      "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND "
      "table_name IN ('users', 'sweets', 'purchases', 'reviews', 'audit_log')");
  EXPECT_EQ(tables.value(0, 0), "5");

  const auto report =
      jsonpath(ns, "pod", pods[0], "{.status.containerStatuses[0].state.terminated.message}");
  EXPECT_NE(report.find("\"kind\":\"RunReport\""), std::string::npos) << report;
  EXPECT_NE(report.find("\"outcome\":\"Succeeded\""), std::string::npos) << report;
  EXPECT_NE(report.find(sweetshopHead()), std::string::npos) << report;
}

TEST(RetortJob, FailedRunLeavesItsErrorAsTerminationMessage) {
  auto& e2e = E2e::get();
  auto db = e2e.createDatabase("e2e_missing");
  // A database that does not exist on a server that does: a real, immediate error.
  db.forPods = db.forPods.substr(0, db.forPods.rfind('/')) + "/no_such_database";
  const auto ns = e2e.createNamespace("failing");
  std::string output;
  ASSERT_EQ(e2e.cluster->apply(secretManifest(ns, db.forPods), &output), 0) << output;
  JobSpec job(ns, "migrate", e2e.retortImage,
              {"-d", "/migrations", "run", "head", "--backup", "disabled", "--report",
               "/dev/termination-log"});
  job.envYaml = kDatabaseUrlFromSecret;
  ASSERT_EQ(e2e.cluster->apply(jobManifest(job), &output), 0) << output;

  const auto conditions = waitForJobFinished(ns, "migrate", 180);
  ASSERT_NE(conditions.find("Failed=True"), std::string::npos) << conditions;
  const auto pods = jobPods(ns, "migrate");
  ASSERT_EQ(pods.size(), 1u);
  EXPECT_EQ(
      jsonpath(ns, "pod", pods[0], "{.status.containerStatuses[0].state.terminated.exitCode}"),
      "1");
  const auto message =
      jsonpath(ns, "pod", pods[0], "{.status.containerStatuses[0].state.terminated.message}");
  EXPECT_NE(message.find("\"kind\":\"RunReport\""), std::string::npos) << message;
  EXPECT_NE(message.find("\"outcome\":\"Failed\""), std::string::npos) << message;
  EXPECT_NE(message.find("no_such_database"), std::string::npos) << message;
}

}  // namespace
}  // namespace retort::e2e
