// The SchemaVersion controller (Manager + reconciler) against a real kube-apiserver. There is no
// kubelet or Job controller here, so the test plays their part: it writes the Job's status and a
// pod whose retort container terminated with a RunReport, through the status subresources.
#include <gtest/gtest.h>

#include <filesystem>

#include "kube/kubeconfig.hpp"
#include "kube_test_support.hpp"
#include "operator/job_builder.hpp"
#include "operator/manager.hpp"
#include "operator/schema_version.hpp"
#include "tests/support/kube_cluster.hpp"

namespace retort::testing {
namespace {

using nlohmann::json;

const std::filesystem::path kSourceDir = RETORT_OPERATOR_SOURCE_DIR;

void installCrd() {
  std::string output;
  KubeCluster& cluster = KubeClusterEnvironment::cluster();
  ASSERT_EQ(cluster.run_kubectl({"apply", "-f", (kSourceDir / "crds/schemaversion.yaml").string()},
                                &output),
            0)
      << output;
  ASSERT_EQ(cluster.run_kubectl({"wait", "--for=condition=Established", "--timeout=60s",
                                 "crd/schemaversions.retort.dev"},
                                &output),
            0)
      << output;
}

json sweetshop() {
  return {{"apiVersion", "retort.dev/v1alpha1"},
          {"kind", "SchemaVersion"},
          {"metadata", {{"name", "sweetshop"}}},
          {"spec",
           {{"database", {{"secretRef", {{"name", "sweetshop-db"}}}}},
            {"migrations", {{"image", "localhost/retort-sweetshop:0.2.0"}}},
            {"backup", {{"persistentVolumeClaim", {{"claimName", "backups"}}}}}}}};
}

std::unique_ptr<op::Manager> startManager(const std::string& ns) {
  op::ManagerOptions options;
  options.watchNamespace = ns;
  auto manager = std::make_unique<op::Manager>(admin_config(), options);
  manager->start();
  return manager;
}

// Waits until the manager has worked off everything its start queued.
bool settled(const op::Manager& manager) {
  // At least one reconcile (of the one SchemaVersion) finished and nothing is queued.
  return eventually([&] {
    return manager.working() && manager.reconciler().reconciles() >= 1 &&
           manager.queue().length() == 0;
  });
}

std::string conditionOf(const json& object, const std::string& type) {
  for (const json& c : object["status"].value("conditions", json::array()))
    if (c["type"] == type) return c.value("status", "") + "/" + c.value("reason", "");
  return "(none)";
}

TEST(OperatorControllerTest, OneJobPerMoveAcrossRestartsAndOutcomeInStatus) {
  installCrd();
  auto client = admin_client();
  const std::string ns = make_namespace(*client, "sv-controller");
  auto manager = startManager(ns);
  const json created = client->create(op::schemaVersionResource(), ns, sweetshop());
  const std::string jobName =
      op::migrationJobName("sweetshop", created["metadata"]["generation"], {});

  ASSERT_TRUE(
      eventually([&] { return client->list(kube::resources::jobs(), ns).items.size() == 1; }));
  json job = client->get(kube::resources::jobs(), ns, jobName);
  EXPECT_EQ(job["metadata"]["ownerReferences"][0]["uid"], created["metadata"]["uid"]);
  EXPECT_EQ(job["spec"]["template"]["spec"]["containers"][0]["env"][0]["valueFrom"]["secretKeyRef"]
               ["name"],
            "sweetshop-db");
  ASSERT_TRUE(eventually([&] {
    return conditionOf(client->get(op::schemaVersionResource(), ns, "sweetshop"), "Reconciling")
               .rfind("True/", 0) == 0;
  }));

  // A restarted controller finds the Job and does not ask for a second one.
  manager->stop();
  manager = startManager(ns);
  ASSERT_TRUE(settled(*manager));
  EXPECT_EQ(manager->reconciler().jobCreateRequests(), 0u);
  EXPECT_EQ(client->list(kube::resources::jobs(), ns).items.size(), 1u);

  // Play the kubelet: the pod's retort container ended with a RunReport.
  const json report = {{"apiVersion", "retort.dev/v1alpha1"},
                       {"kind", "RunReport"},
                       {"runId", jobName},
                       {"outcome", "Succeeded"},
                       {"reason", "Migrated"},
                       {"message", "2 steps"},
                       {"from", json::array()},
                       {"to", json::array({"2a3b7c4d5e07"})},
                       {"target", json::array({"2a3b7c4d5e07"})},
                       {"direction", "upgrade"},
                       {"steps", 2},
                       {"planHash", "sha256:ab"},
                       {"dataLoss", false},
                       {"backup",
                        {{"file", "/backups/sweetshop-1.dump"},
                         {"bytes", 2048},
                         {"sha256", "cd"},
                         {"seconds", 1.5}}},
                       {"seconds", 3.0}};
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata",
               {{"name", jobName + "-abcde"},
                {"labels", {{"job-name", jobName}, {op::kManagedByLabel, op::kManagedByValue}}},
                {"ownerReferences", json::array({{{"apiVersion", "batch/v1"},
                                                  {"kind", "Job"},
                                                  {"name", jobName},
                                                  {"uid", job["metadata"]["uid"]},
                                                  {"controller", true}}})}}},
              {"spec", job["spec"]["template"]["spec"]}};
  pod = client->create(kube::resources::pods(), ns, pod);
  pod["status"] = {
      {"phase", "Succeeded"},
      {"containerStatuses", json::array({{{"name", "retort"},
                                          {"image", "localhost/retort-sweetshop:0.2.0"},
                                          {"imageID", ""},
                                          {"ready", false},
                                          {"restartCount", 0},
                                          {"state",
                                           {{"terminated",
                                             {{"exitCode", 0},
                                              {"reason", "Completed"},
                                              {"message", report.dump()},
                                              {"startedAt", "2026-01-01T00:00:00Z"},
                                              {"finishedAt", "2026-01-01T00:00:03Z"}}}}}}})}};
  client->update_status(kube::resources::pods(), ns, pod);
  // Play the Job controller.
  job = client->get(kube::resources::jobs(), ns, jobName);
  job["status"] = {{"startTime", "2026-01-01T00:00:00Z"},
                   {"completionTime", "2026-01-01T00:00:04Z"},
                   {"succeeded", 1},
                   {"conditions", json::array({{{"type", "SuccessCriteriaMet"},
                                                {"status", "True"},
                                                {"reason", "CompletionsReached"},
                                                {"message", "done"},
                                                {"lastTransitionTime", "2026-01-01T00:00:04Z"}},
                                               {{"type", "Complete"},
                                                {"status", "True"},
                                                {"reason", "CompletionsReached"},
                                                {"message", "done"},
                                                {"lastTransitionTime", "2026-01-01T00:00:04Z"}}})}};
  client->update_status(kube::resources::jobs(), ns, job);

  json sv;
  ASSERT_TRUE(eventually([&] {
    sv = client->get(op::schemaVersionResource(), ns, "sweetshop");
    return conditionOf(sv, "Ready") == "True/Migrated" ||
           conditionOf(sv, "Ready") == "True/Succeeded";
  })) << sv.dump(2);
  EXPECT_EQ(sv["status"]["observedGeneration"], created["metadata"]["generation"]);
  EXPECT_EQ(sv["status"]["currentRevisions"], json::array({"2a3b7c4d5e07"}));
  EXPECT_EQ(sv["status"]["lastRun"]["jobName"], jobName);
  EXPECT_EQ(sv["status"]["lastBackup"]["file"], "/backups/sweetshop-1.dump");
  EXPECT_EQ(conditionOf(sv, "Stalled").rfind("False/", 0), 0u);
  EXPECT_EQ(conditionOf(sv, "Reconciling").rfind("False/", 0), 0u);

  // The steady state writes nothing: a fresh controller reconciles everything and changes nothing.
  ASSERT_TRUE(settled(*manager));
  const std::string version =
      client->get(op::schemaVersionResource(), ns, "sweetshop")["metadata"]["resourceVersion"];
  manager->stop();
  manager = startManager(ns);
  ASSERT_TRUE(settled(*manager));
  EXPECT_EQ(manager->reconciler().statusWrites(), 0u);
  EXPECT_EQ(manager->reconciler().jobCreateRequests(), 0u);
  EXPECT_EQ(
      client->get(op::schemaVersionResource(), ns, "sweetshop")["metadata"]["resourceVersion"],
      version);
  manager->stop();
}

}  // namespace
}  // namespace retort::testing
