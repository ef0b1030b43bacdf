// Issue 13, part 3 on the one-node cluster: the operator migrates the Alembic SweetShop
// (tests/alembic_projects/sweetshop, unconverted) through an application image built locally
// with Python and Alembic (tests/alembic_projects/app-image.sh, no Retort inside). The Job's
// init container copies Retort's bundle from the Retort image into a shared emptyDir, and
// `retort run --executor alembic` runs in the application image, the project's own Alembic
// executing each step, under the restricted profile (uid 65532, read-only root file system).
#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "engine/runtime/connection.hpp"
#include "operator_fixture.hpp"
#include "postgres_server.hpp"

namespace retort::e2e {
namespace {

const std::string kAlembicSweetshop =
    std::string(RETORT_SOURCE_DIR) + "/tests/alembic_projects/sweetshop";
// Where app-image.sh puts the project inside the application image.
constexpr const char* kProjectInImage = "/app/alembic";
// The revision before the head (versions/..._8f1a6b2c3d06_revoked_tokens.py).
constexpr const char* kBeforeHead = "8f1a6b2c3d06";

// Builds the application image from this machine's files and imports it into the node's
// containerd, once per process; returns its reference. Throws with the script's output.
const std::string& alembicAppImage() {
  static std::string reference;
  static std::string error;
  static std::once_flag once;
  std::call_once(once, [] {
    const auto& cluster = *E2e::get().cluster;
    std::string output;
    const std::string command = std::string(RETORT_SOURCE_DIR) +
                                "/tests/alembic_projects/app-image.sh --out '" +
                                (cluster.dir() / "sweetshop-alembic-image.tar").string() +
                                "' --import '" + cluster.dir().string() + "' 2>&1";
    if (test::runCommand(command, &output) != 0) {
      error = "tests/alembic_projects/app-image.sh failed:\n" + output;
      return;
    }
    while (!output.empty() && output.back() == '\n') output.pop_back();
    reference = output.substr(output.rfind('\n') + 1);
  });
  if (reference.empty()) throw std::runtime_error(error);
  return reference;
}

// A SweetShop SchemaVersion (operator_fixture's) whose scripts are the Alembic project in the
// application image; the Retort image stays spec.migrations.image (where Retort comes from).
std::string alembicSchemaVersion(const OperatorWorld& world, const std::string& target) {
  return sweetshopSchemaVersion(world.ns, "sweetshop", target, "",
                                "    alembic:\n      image: " + alembicAppImage() +
                                    "\n      path: " + kProjectInImage + "\n");
}

void createAndWaitReady(const OperatorWorld& world, const OperatorProcess& op) {
  applyAndWaitReady(op, world.ns, "sweetshop", alembicSchemaVersion(world, "head"), 240);
}

std::size_t occurrences(const std::string& text, const std::string& word) {
  std::size_t count = 0;
  for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++count;
  return count;
}

TEST(AlembicAppImage, OperatorMigratesTheAlembicSweetShopToHeadThroughTheApplicationImage) {
  OperatorWorld world("alembic");
  std::string appImage;
  ASSERT_NO_THROW(appImage = alembicAppImage());
  OperatorProcess op(world.ns);
  ASSERT_NO_FATAL_FAILURE(createAndWaitReady(world, op));

  // The head of the Alembic project (read from its .py headers), recorded in Alembic's table.
  const std::string head = headOf(kAlembicSweetshop);
  ASSERT_EQ(head.size(), 12u) << head;
  EXPECT_EQ(jsonpath(world.ns, "sv", "sweetshop", "{.status.currentRevisions}"),
            "[\"" + head + "\"]");
  EXPECT_EQ(jsonpath(world.ns, "sv", "sweetshop", "{.status.targetRevisions}"),
            "[\"" + head + "\"]");
  engine::Connection conn(world.db.local);
  EXPECT_EQ(conn.exec("SELECT string_agg(version_num, ',') FROM alembic_version").value(0, 0),
            head);
  // Every table the project's op.create_table calls make.
  for (const char* table : {"roles", "users", "categories", "sweets", "sweet_inventory",
                            "purchases", "restocks", "reviews", "revoked_tokens", "audit_log"}) {
    EXPECT_EQ(conn.exec("SELECT to_regclass($1) IS NOT NULL", {std::string("public.") + table})
                  .value(0, 0),
              "t")
        << table;
  }

  // The Job's run: one successful history row per step, under the Job's name as run id.
  const std::string job = jsonpath(world.ns, "sv", "sweetshop", "{.status.lastRun.jobName}");
  ASSERT_FALSE(job.empty()) << describeSv(world.ns, "sweetshop");
  EXPECT_EQ(conn.exec("SELECT (count(*) FILTER (WHERE success)) || '/' || count(*) FROM "
                      "alembic_version_history WHERE run_id = $1",
                      {job})
                .value(0, 0),
            "7/7");

  // The backup the status names is on the volume and pg_restore reads it.
  const std::string file = jsonpath(world.ns, "sv", "sweetshop", "{.status.lastBackup.file}");
  ASSERT_FALSE(file.empty()) << describeSv(world.ns, "sweetshop");
  EXPECT_EQ(svCondition(world.ns, "sweetshop", "BackupSucceeded").substr(0, 5), "True/");
  const auto onHost = world.backupDir / std::filesystem::path(file).filename();
  ASSERT_TRUE(std::filesystem::exists(onHost)) << file << " not in " << world.backupDir;
  std::string output;
  EXPECT_EQ(test::runCommand("pg_restore --list '" + onHost.string() + "' 2>&1", &output), 0)
      << output;

  // The pod: the init container from the Retort image copied the bundle, then the container
  // `retort` ran the application image, and each step went through Alembic.
  const auto pods = jobPods(world.ns, job);
  ASSERT_EQ(pods.size(), 1u) << describeSv(world.ns, "sweetshop");
  const std::string& pod = pods[0];
  EXPECT_EQ(jsonpath(world.ns, "pod", pod,
                     "{.spec.initContainers[0].name} {.spec.initContainers[0].image} "
                     "{.spec.initContainers[0].args[0]}"),
            "retort-bundle " + E2e::get().retortImage + " copy-bundle");
  EXPECT_EQ(jsonpath(world.ns, "pod", pod,
                     "{.status.initContainerStatuses[0].state.terminated.exitCode}"),
            "0");
  EXPECT_EQ(jsonpath(world.ns, "pod", pod,
                     "{.spec.containers[0].name} {.spec.containers[0].image} "
                     "{.spec.containers[0].command[0]}"),
            "retort " + appImage + " /retort/bin/retort");
  EXPECT_EQ(
      jsonpath(world.ns, "pod", pod, "{.status.containerStatuses[0].state.terminated.exitCode}"),
      "0");
  // As the Job builder makes it: restricted, so Python and Retort ran as 65532 on a read-only
  // root file system, the bundle's volume read-only too.
  EXPECT_EQ(jsonpath(world.ns, "pod", pod,
                     "{.spec.securityContext.runAsUser} "
                     "{.spec.containers[0].securityContext.readOnlyRootFilesystem} "
                     "{.spec.containers[0].volumeMounts[?(@.name==\"retort-bundle\")].readOnly}"),
            "65532 true true");
  E2e::get().cluster->run_kubectl({"-n", world.ns, "logs", pod, "-c", "retort"}, &output);
  EXPECT_EQ(occurrences(output, "with Alembic"), 7u) << output;
}

TEST(AlembicAppImage, DowngradeWithoutPolicyStallsAndLeavesTheDatabase) {
  OperatorWorld world("alembic-down");
  ASSERT_NO_THROW(alembicAppImage());
  OperatorProcess op(world.ns);
  ASSERT_NO_FATAL_FAILURE(createAndWaitReady(world, op));
  const std::string before = schemaSnapshot(world.db.local);

  ASSERT_NO_FATAL_FAILURE(expectDowngradeRefused(world, op, "sweetshop", kBeforeHead, before));
  EXPECT_EQ(jsonpath(world.ns, "sv", "sweetshop", "{.status.currentRevisions}"),
            "[\"" + headOf(kAlembicSweetshop) + "\"]");
}

}  // namespace
}  // namespace retort::e2e
