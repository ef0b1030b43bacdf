// The SchemaVersion controller (Manager + reconciler) against a real kube-apiserver. There is no
// kubelet or Job controller here, so the test plays their part: it writes the Job's status and a
// pod whose retort container terminated with a RunReport, through the status subresources.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <set>

#include "kube/api_error.hpp"
#include "kube/kubeconfig.hpp"
#include "kube_test_support.hpp"
#include "operator/schema_version/job_builder.hpp"
#include "operator/schema_version/manager.hpp"
#include "operator/schema_version/schema_version.hpp"
#include "operator/schema_version/schema_version_reconciler.hpp"
#include "operator_test_support.hpp"
#include "tests/support/kube_cluster.hpp"

namespace retort::testing {
namespace {

using nlohmann::json;

json sweetshop() {
  return {{"apiVersion", "retort.dev/v1alpha1"},
          {"kind", "SchemaVersion"},
          {"metadata", {{"name", "sweetshop"}}},
          {"spec",
           {{"targetRevision", "head"},
            {"database", {{"secretRef", {{"name", "sweetshop-db"}}}}},
            {"migrations", {{"image", "localhost/retort-sweetshop:0.2.0"}}},
            {"backup", {{"persistentVolumeClaim", {{"claimName", "backups"}}}}}}}};
}

// A namespace holding the database Secret the SchemaVersions name: the controller reads it
// before it starts a move (the URL is never used here: no Job runs).
std::string makeShopNamespace(kube::ApiClient& client, const std::string& prefix) {
  const std::string ns = make_namespace(client, prefix);
  client.create(kube::resources::secrets(), ns,
                {{"apiVersion", "v1"},
                 {"kind", "Secret"},
                 {"metadata", {{"name", "sweetshop-db"}}},
                 {"stringData", {{"uri", "postgresql://shop@db.invalid/shop"}}}});
  return ns;
}

std::unique_ptr<op::Manager> startManager(const std::string& ns) {
  op::ManagerOptions options;
  options.watchNamespace = ns;
  options.metricsBindAddress = "0";  // the endpoints have their own test
  options.healthProbeBindAddress = "0";
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

// Plays the Job controller: creates a pod of the Job (its labels and owner, as the Job
// controller makes them), for the test to give a status.
json createPodOf(kube::ApiClient& client, const std::string& ns, const json& job,
                 const std::string& suffix) {
  const std::string jobName = job["metadata"]["name"];
  const json pod = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata",
       {{"name", jobName + "-" + suffix},
        {"labels", {{"job-name", jobName}, {op::kManagedByLabel, op::kManagedByValue}}},
        {"ownerReferences", json::array({{{"apiVersion", "batch/v1"},
                                          {"kind", "Job"},
                                          {"name", jobName},
                                          {"uid", job["metadata"]["uid"]},
                                          {"controller", true}}})}}},
      {"spec", job["spec"]["template"]["spec"]}};
  return client.create(kube::resources::pods(), ns, pod);
}

std::string conditionOf(const json& object, const std::string& type) {
  for (const json& c : object.value("status", json::object()).value("conditions", json::array()))
    if (c["type"] == type) return c.value("status", "") + "/" + c.value("reason", "");
  return "(none)";
}

TEST(OperatorControllerTest, OneJobPerMoveAcrossRestartsAndOutcomeInStatus) {
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = makeShopNamespace(*client, "sv-controller");
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
  json pod = createPodOf(*client, ns, job, "abcde");
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

  // The Job's and the pod's watches are separate streams: when the Job's completion is seen
  // before the pod's termination, the outcome is first recorded without the report (no
  // revisions) and completed from the report once the pod's update arrives.
  json sv;
  ASSERT_TRUE(eventually([&] {
    sv = client->get(op::schemaVersionResource(), ns, "sweetshop");
    return (conditionOf(sv, "Ready") == "True/Migrated" ||
            conditionOf(sv, "Ready") == "True/Succeeded") &&
           sv["status"].value("currentRevisions", json::array()) == json::array({"2a3b7c4d5e07"});
  })) << sv.dump(2);
  EXPECT_EQ(sv["status"]["observedGeneration"], created["metadata"]["generation"]);
  EXPECT_EQ(sv["status"]["currentRevisions"], json::array({"2a3b7c4d5e07"}));
  EXPECT_EQ(sv["status"]["lastRun"]["jobName"], jobName);
  EXPECT_EQ(sv["status"]["lastBackup"]["file"], "/backups/sweetshop-1.dump");
  EXPECT_EQ(conditionOf(sv, "Stalled").rfind("False/", 0), 0u);
  EXPECT_EQ(conditionOf(sv, "Reconciling").rfind("False/", 0), 0u);

  // Each step left an Event on the SchemaVersion, read back from the API server.
  std::set<std::string> reasons;
  ASSERT_TRUE(eventually([&] {
    for (const json& event : client->list(kube::resources::events(), ns).items)
      if (event["regarding"].value("name", "") == "sweetshop")
        reasons.insert(event.value("reason", ""));
    return reasons.count("JobCreated") && reasons.count("Succeeded");
  })) << reasons.size();

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

// Plays the kubelet and the Job controller: the Job's one pod ended with this exit code and
// termination message, and the Job failed.
void finishJobAsFailed(kube::ApiClient& client, const std::string& ns, const std::string& jobName,
                       int exitCode, const std::string& message, const std::string& jobReason) {
  json job = client.get(kube::resources::jobs(), ns, jobName);
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata",
               {{"generateName", jobName + "-"},
                {"labels", {{"job-name", jobName}, {op::kManagedByLabel, op::kManagedByValue}}},
                {"ownerReferences", json::array({{{"apiVersion", "batch/v1"},
                                                  {"kind", "Job"},
                                                  {"name", jobName},
                                                  {"uid", job["metadata"]["uid"]},
                                                  {"controller", true}}})}}},
              {"spec", job["spec"]["template"]["spec"]}};
  pod = client.create(kube::resources::pods(), ns, pod);
  pod["status"] = {
      {"phase", "Failed"},
      {"containerStatuses", json::array({{{"name", "retort"},
                                          {"image", "localhost/retort-sweetshop:0.2.0"},
                                          {"imageID", ""},
                                          {"ready", false},
                                          {"restartCount", 0},
                                          {"state",
                                           {{"terminated",
                                             {{"exitCode", exitCode},
                                              {"reason", "Error"},
                                              {"message", message},
                                              {"startedAt", "2026-01-01T00:00:00Z"},
                                              {"finishedAt", "2026-01-01T00:00:03Z"}}}}}}})}};
  client.update_status(kube::resources::pods(), ns, pod);
  job["status"] = {{"startTime", "2026-01-01T00:00:00Z"},
                   {"failed", 1},
                   {"conditions", json::array({{{"type", "FailureTarget"},
                                                {"status", "True"},
                                                {"reason", jobReason},
                                                {"message", "failed"},
                                                {"lastTransitionTime", "2026-01-01T00:00:04Z"}},
                                               {{"type", "Failed"},
                                                {"status", "True"},
                                                {"reason", jobReason},
                                                {"message", "failed"},
                                                {"lastTransitionTime", "2026-01-01T00:00:04Z"}}})}};
  client.update_status(kube::resources::jobs(), ns, job);
}

std::set<std::string> eventReasons(kube::ApiClient& client, const std::string& ns,
                                   const std::string& name) {
  std::set<std::string> reasons;
  for (const json& event : client.list(kube::resources::events(), ns).items)
    if (event["regarding"].value("name", "") == name) reasons.insert(event.value("reason", ""));
  return reasons;
}

TEST(OperatorControllerTest, FailuresAreEventsAndATransientOneWaitsBeforeTheJobIsRecreated) {
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = makeShopNamespace(*client, "sv-failures");
  auto manager = startManager(ns);

  // Transient: the database was unreachable (exit 5) until the Job ran out of retries.
  json transient = sweetshop();
  transient["metadata"]["name"] = "flaky";
  const json created = client->create(op::schemaVersionResource(), ns, transient);
  const std::string jobName = op::migrationJobName("flaky", created["metadata"]["generation"], {});
  ASSERT_TRUE(
      eventually([&] { return client->list(kube::resources::jobs(), ns).items.size() == 1; }));
  const std::string firstUid = client->get(kube::resources::jobs(), ns, jobName)["metadata"]["uid"];
  finishJobAsFailed(
      *client, ns, jobName, 5,
      R"({"apiVersion":"retort.dev/v1alpha1","kind":"RunReport","outcome":"Transient",)"
      R"("reason":"DatabaseUnavailable","message":"x"})",
      "BackoffLimitExceeded");
  ASSERT_TRUE(eventually([&] { return eventReasons(*client, ns, "flaky").count("Failed") == 1; }));
  // The failed Job is deleted and not recreated before its 30 s backoff ran out.
  ASSERT_TRUE(eventually([&] {
    try {
      return client->get(kube::resources::jobs(), ns, jobName)["metadata"]["uid"] != firstUid;
    } catch (const kube::ApiError& error) {
      return error.code() == 404;
    }
  }));
  ASSERT_TRUE(settled(*manager));
  EXPECT_EQ(manager->reconciler().jobCreateRequests(), 1u);
  EXPECT_EQ(conditionOf(client->get(op::schemaVersionResource(), ns, "flaky"), "Reconciling"),
            "True/RetryingTransientFailure");

  // Permanent: a script failed (exit 1): Stalled, with its own Event.
  json broken = sweetshop();
  broken["metadata"]["name"] = "broken";
  const json brokenCreated = client->create(op::schemaVersionResource(), ns, broken);
  const std::string brokenJob =
      op::migrationJobName("broken", brokenCreated["metadata"]["generation"], {});
  ASSERT_TRUE(eventually([&] {
    try {
      client->get(kube::resources::jobs(), ns, brokenJob);
      return true;
    } catch (const kube::ApiError&) {
      return false;
    }
  }));
  finishJobAsFailed(*client, ns, brokenJob, 1,
                    R"({"apiVersion":"retort.dev/v1alpha1","kind":"RunReport","outcome":"Failed",)"
                    R"("reason":"StepFailed","message":"at versions/b2.sql:14"})",
                    "PodFailurePolicy");
  ASSERT_TRUE(eventually([&] {
    return conditionOf(client->get(op::schemaVersionResource(), ns, "broken"), "Stalled") ==
           "True/StepFailed";
  }));
  ASSERT_TRUE(
      eventually([&] { return eventReasons(*client, ns, "broken").count("Stalled") == 1; }));
  EXPECT_EQ(eventReasons(*client, ns, "broken"), (std::set<std::string>{"JobCreated", "Stalled"}));
  manager->stop();
}

// A reconcile that read the SchemaVersion before someone else changed it must not overwrite
// the newer object: the server refuses its status write (409), and the reconcile ends with
// StaleObject, which the workers retry and count as a requeue rather than an error.
// A reconciler on caches of its own, for tests that freeze the SchemaVersion cache (stop its
// informer) and change the object on the server behind it. Every object the test needs is on
// the server before the caches start; they stop on destruction.
struct FrozenCacheReconciler {
  FrozenCacheReconciler(std::shared_ptr<kube::ApiClient> client, const std::string& ns)
      : schemaVersions(informer(client, ns, op::schemaVersionResource())),
        jobs(informer(client, ns, kube::resources::jobs())),
        pods(informer(client, ns, kube::resources::pods())),
        reconciler(
            {client, schemaVersions.get(), jobs.get(), pods.get(), nullptr,
             [] { return std::string("2026-11-30T00:00:10Z"); },
             std::make_shared<op::SecretUrls>(client, std::make_shared<op::SteadyClock>())}) {
    for (kube::Informer* cache : {schemaVersions.get(), jobs.get(), pods.get()}) {
      cache->start();
      synced = cache->wait_for_sync(std::chrono::seconds(30)) && synced;
    }
  }
  ~FrozenCacheReconciler() {
    for (kube::Informer* cache : {schemaVersions.get(), jobs.get(), pods.get()}) cache->stop();
  }
  static std::unique_ptr<kube::Informer> informer(std::shared_ptr<kube::ApiClient> client,
                                                  const std::string& ns, kube::Resource resource) {
    kube::InformerOptions options;
    options.resource = std::move(resource);
    options.ns = ns;
    return std::make_unique<kube::Informer>(std::move(client), options);
  }

  std::unique_ptr<kube::Informer> schemaVersions;
  std::unique_ptr<kube::Informer> jobs;
  std::unique_ptr<kube::Informer> pods;
  op::SchemaVersionReconciler reconciler;
  bool synced = true;
};

TEST(OperatorControllerTest, AStatusWriteFromAStaleCacheIsRefusedAsStaleObject) {
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = makeShopNamespace(*client, "sv-stale");
  client->create(op::schemaVersionResource(), ns, sweetshop());
  FrozenCacheReconciler frozen(client, ns);
  ASSERT_TRUE(frozen.synced);
  ASSERT_TRUE(
      eventually([&] { return frozen.schemaVersions->get(ns + "/sweetshop").has_value(); }));
  // Freeze the cache, then change the object on the server behind it.
  frozen.schemaVersions->stop();
  client->patch(op::schemaVersionResource(), ns, "sweetshop", kube::PatchType::Merge,
                {{"metadata", {{"labels", {{"team", "db"}}}}}});

  EXPECT_THROW(frozen.reconciler.reconcile(ns + "/sweetshop"), op::StaleObject);
  EXPECT_EQ(frozen.reconciler.statusWrites(), 0u);
  EXPECT_FALSE(client->get(op::schemaVersionResource(), ns, "sweetshop").contains("status"));
}

TEST(OperatorControllerTest, AVanishedJobIsNotRecreatedFromAStaleCache) {
  // The race a loaded machine showed: the controller wrote a transient failure's outcome, then
  // deleted the Job; the Job's delete event reached its cache before the status update did, and
  // the next pass, still reading "Running", recreated the Job without the backoff.
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = makeShopNamespace(*client, "sv-vanished");
  const json created = client->create(op::schemaVersionResource(), ns, sweetshop());
  const std::int64_t generation = created["metadata"]["generation"];
  const std::string jobName = op::migrationJobName("sweetshop", generation, {});
  op::SchemaVersionStatus running;  // as the pass that created the Job wrote it
  running.lastRun = op::LastRun{jobName, "2026-11-30T00:00:00Z", "", "Running", "JobCreated", ""};
  client->patch_status(op::schemaVersionResource(), ns, "sweetshop", kube::PatchType::Merge,
                       {{"status", op::statusToJson(running)}});
  FrozenCacheReconciler frozen(client, ns);
  ASSERT_TRUE(frozen.synced);
  ASSERT_TRUE(eventually([&] {
    const auto cached = frozen.schemaVersions->get(ns + "/sweetshop");
    return cached && cached->contains("status");
  }));
  // Freeze the cache at "Running"; the server moves on to the outcome the cache never sees.
  frozen.schemaVersions->stop();
  op::SchemaVersionStatus failed = running;
  failed.lastRun->outcome = "Transient";
  failed.lastRun->completionTime = "2026-11-30T00:00:05Z";
  client->patch_status(op::schemaVersionResource(), ns, "sweetshop", kube::PatchType::Merge,
                       {{"status", op::statusToJson(failed)}});

  EXPECT_THROW(frozen.reconciler.reconcile(ns + "/sweetshop"), op::StaleObject);
  EXPECT_EQ(frozen.reconciler.jobCreateRequests(), 0u);
  EXPECT_TRUE(client->list(kube::resources::jobs(), ns).items.empty());
}

std::string conditionMessage(const json& object, const std::string& type) {
  for (const json& c : object.value("status", json::object()).value("conditions", json::array()))
    if (c["type"] == type) return c.value("message", "");
  return "";
}

// What a user sees when a move cannot run: a missing Secret or scripts ConfigMap before any Job,
// a Job the API server refuses, a pod that cannot start; each a reason and a message naming the
// field, and an Event.
TEST(OperatorControllerTest, AMoveThatCannotRunSaysWhy) {
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = make_namespace(*client, "sv-cannot-run");
  auto manager = startManager(ns);
  client->create(op::schemaVersionResource(), ns, sweetshop());
  ASSERT_TRUE(eventually([&] {
    return conditionOf(client->get(op::schemaVersionResource(), ns, "sweetshop"), "Stalled") ==
           "True/DatabaseSecretMissing";
  }));
  json sv = client->get(op::schemaVersionResource(), ns, "sweetshop");
  EXPECT_EQ(conditionMessage(sv, "Stalled"),
            "Secret " + ns + "/sweetshop-db not found (spec.database.secretRef.name)");
  EXPECT_TRUE(client->list(kube::resources::jobs(), ns).items.empty());
  ASSERT_TRUE(eventually([&] {
    for (const json& event : client->list(kube::resources::events(), ns).items)
      if (event.value("reason", "") == "Stalled" &&
          event.value("note", "").find("sweetshop-db not found") != std::string::npos)
        return true;
    return false;
  }));

  // Scripts from a ConfigMap that does not exist: found once the Secret is there.
  client->patch(op::schemaVersionResource(), ns, "sweetshop", kube::PatchType::Merge,
                {{"spec", {{"migrations", {{"configMaps", json::array({"shop-scripts"})}}}}}});
  client->create(kube::resources::secrets(), ns,
                 {{"apiVersion", "v1"},
                  {"kind", "Secret"},
                  {"metadata", {{"name", "sweetshop-db"}}},
                  {"stringData", {{"uri", "postgresql://shop@db.invalid/shop"}}}});
  ASSERT_TRUE(eventually(
      [&] {
        return conditionOf(client->get(op::schemaVersionResource(), ns, "sweetshop"), "Stalled") ==
               "True/ScriptsConfigMapMissing";
      },
      std::chrono::seconds(60)));  // the missing Secret is checked again after 30 s
  sv = client->get(op::schemaVersionResource(), ns, "sweetshop");
  EXPECT_EQ(conditionMessage(sv, "Stalled"),
            "ConfigMap " + ns + "/shop-scripts not found (spec.migrations.configMaps[0])");
  EXPECT_TRUE(client->list(kube::resources::jobs(), ns).items.empty());

  // The API server refuses the Job: a toleration's operator no CRD rule knows about.
  client->create(kube::resources::config_maps(), ns,
                 {{"apiVersion", "v1"},
                  {"kind", "ConfigMap"},
                  {"metadata", {{"name", "shop-scripts"}}},
                  {"data", {{"0001_init.py", "revision = '0001'"}}}});
  json patch = {
      {"spec",
       {{"job", {{"tolerations", json::array({{{"key", "k"}, {"operator", "Sometimes"}}})}}}}}};
  client->patch(op::schemaVersionResource(), ns, "sweetshop", kube::PatchType::Merge, patch);
  ASSERT_TRUE(eventually(
      [&] {
        return conditionOf(client->get(op::schemaVersionResource(), ns, "sweetshop"), "Stalled") ==
               "True/InvalidJobSpec";
      },
      std::chrono::seconds(60)));
  sv = client->get(op::schemaVersionResource(), ns, "sweetshop");
  const std::string refused = conditionMessage(sv, "Stalled");
  EXPECT_NE(refused.find("spec.job.tolerations[0].operator (Job field "
                         "spec.template.spec.tolerations[0].operator)"),
            std::string::npos)
      << refused;
  EXPECT_EQ(sv["status"]["lastRun"]["outcome"], "Invalid");
  EXPECT_TRUE(client->list(kube::resources::jobs(), ns).items.empty());

  // Fixed: a new generation starts; play the kubelet with a pod that cannot pull its image.
  patch = {{"spec", {{"job", {{"tolerations", nullptr}}}}}};
  client->patch(op::schemaVersionResource(), ns, "sweetshop", kube::PatchType::Merge, patch);
  ASSERT_TRUE(
      eventually([&] { return client->list(kube::resources::jobs(), ns).items.size() == 1; }));
  const json job = client->list(kube::resources::jobs(), ns).items[0];
  const std::string jobName = job["metadata"]["name"];
  json pod = createPodOf(*client, ns, job, "abcde");
  pod["status"] = {
      {"phase", "Pending"},
      {"containerStatuses",
       json::array({{{"name", "retort"},
                     {"image", "localhost/retort-sweetshop:0.2.0"},
                     {"imageID", ""},
                     {"ready", false},
                     {"restartCount", 0},
                     {"state",
                      {{"waiting",
                        {{"reason", "ErrImagePull"},
                         {"message", "pull access denied for localhost/retort-sweetshop"}}}}}}})}};
  client->update_status(kube::resources::pods(), ns, pod);
  ASSERT_TRUE(eventually([&] {
    return conditionOf(client->get(op::schemaVersionResource(), ns, "sweetshop"), "Reconciling") ==
           "True/ErrImagePull";
  }));
  sv = client->get(op::schemaVersionResource(), ns, "sweetshop");
  EXPECT_NE(conditionMessage(sv, "Reconciling").find("pull access denied"), std::string::npos);
  EXPECT_EQ(conditionOf(sv, "Stalled"), "False/ErrImagePull");
}

}  // namespace
}  // namespace retort::testing
