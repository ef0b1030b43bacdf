// The SchemaVersion CRD (crds/schemaversion.yaml) on a real kube-apiserver: it is served with
// the status subresource, the server's defaults are the ones the controller assumes, bad fields
// are refused with their path (OpenAPI and CEL), the printer columns and `kubectl explain` read
// well, and the Job the builder makes is accepted, with a pod that passes the restricted Pod
// Security profile in enforce mode.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "kube/api_error.hpp"
#include "kube_test_support.hpp"
#include "operator/schema_version/job_builder.hpp"
#include "operator/schema_version/schema_version.hpp"
#include "operator_test_support.hpp"
#include "tests/support/kube_cluster.hpp"

namespace retort::testing {
namespace {

using nlohmann::json;

kube::Resource schemaVersions() {
  return {"retort.dev", "v1alpha1", "schemaversions", true};
}

json minimal(const std::string& name) {
  return {{"apiVersion", "retort.dev/v1alpha1"},
          {"kind", "SchemaVersion"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"targetRevision", "head"},
            {"database", {{"secretRef", {{"name", "sweetshop-db"}}}}},
            {"migrations", {{"image", "localhost/retort-sweetshop:0.2.0"}}},
            {"backup", {{"persistentVolumeClaim", {{"claimName", "backups"}}}}}}}};
}

// kubectl apply of a manifest; returns the exit code, output in *output.
int applyManifest(const std::string& ns, const json& object, std::string* output) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("retort-sv-" + std::to_string(::getpid()) + ".json");
  std::ofstream(file) << object.dump();
  const int code = KubeClusterEnvironment::cluster().run_kubectl(
      {"apply", "-n", ns, "-f", file.string()}, output);
  std::filesystem::remove(file);
  return code;
}

TEST(OperatorCrdTest, ServerDefaultsAreTheOnesTheControllerAssumes) {
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = make_namespace(*client, "sv-defaults");
  const json created = client->create(schemaVersions(), ns, minimal("sweetshop"));
  const json& spec = created["spec"];
  EXPECT_EQ(spec["targetRevision"], "head");
  EXPECT_EQ(spec["database"]["secretRef"]["key"], "uri");
  EXPECT_EQ(spec["migrations"]["path"], "/migrations");
  EXPECT_EQ(spec["backup"]["mode"], "Required");
  EXPECT_EQ(spec["backup"]["keep"], 10);
  EXPECT_EQ(spec["suspend"], false);
  EXPECT_EQ(spec["driftCheckInterval"], "5m");

  // Reading the defaulted object and the bare one gives the controller the same spec.
  const op::SchemaVersionSpec fromServer = op::specFromJson(spec);
  const op::SchemaVersionSpec fromBare = op::specFromJson(minimal("x")["spec"]);
  EXPECT_EQ(fromServer.targetRevision, fromBare.targetRevision);
  EXPECT_EQ(fromServer.migrations.path, fromBare.migrations.path);
  EXPECT_EQ(fromServer.backup.keep, fromBare.backup.keep);
  EXPECT_EQ(fromServer.driftCheckInterval, fromBare.driftCheckInterval);
}

TEST(OperatorCrdTest, BadFieldsAreRefusedWithTheirPath) {
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = make_namespace(*client, "sv-invalid");
  json bad = minimal("bad");
  bad["spec"]["migrations"]["path"] = "relative";
  bad["spec"]["backup"]["mode"] = "Sometimes";
  std::string output;
  EXPECT_NE(applyManifest(ns, bad, &output), 0);
  EXPECT_NE(output.find("spec.migrations.path"), std::string::npos) << output;
  EXPECT_NE(output.find("spec.backup.mode"), std::string::npos) << output;

  // CEL rules: a required backup needs a volume; the drift interval has a floor.
  json celBad = minimal("cel-bad");
  celBad["spec"].erase("backup");
  celBad["spec"]["driftCheckInterval"] = "5s";
  EXPECT_NE(applyManifest(ns, celBad, &output), 0);
  EXPECT_NE(output.find("spec.backup.persistentVolumeClaim"), std::string::npos) << output;
  EXPECT_NE(output.find("spec.driftCheckInterval"), std::string::npos) << output;
  EXPECT_NE(output.find("at least 10s"), std::string::npos) << output;

  json disabled = minimal("no-backup");
  disabled["spec"]["backup"] = {{"mode", "Disabled"}};
  EXPECT_EQ(applyManifest(ns, disabled, &output), 0) << output;
}

// Each malformed SchemaVersion a probe found accepted is refused at admission, and the message
// names the field.
TEST(OperatorCrdTest, MalformedNamesImagesQuantitiesAndTargetsAreRefused) {
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = make_namespace(*client, "sv-malformed");
  struct Case {
    const char* field;  // as the API server names it
    std::function<void(json&)> spoil;
  };
  const std::vector<Case> cases = {
      {"spec.database.secretRef.name",
       [](json& s) { s["database"]["secretRef"]["name"] = "Bad_Name!"; }},
      {"spec.database.secretRef.key", [](json& s) { s["database"]["secretRef"]["key"] = "a/b"; }},
      {"spec.backup.persistentVolumeClaim.claimName",
       [](json& s) { s["backup"]["persistentVolumeClaim"]["claimName"] = "Backups"; }},
      {"spec.migrations.configMaps[0]",
       [](json& s) { s["migrations"]["configMaps"] = {"no spaces"}; }},
      {"spec.job.serviceAccountName", [](json& s) { s["job"]["serviceAccountName"] = "Admin!"; }},
      {"spec.job.imagePullSecrets[0].name",
       [](json& s) {
         s["job"]["imagePullSecrets"] = json::array({{{"name", "Pull Secret"}}});
       }},
      {"spec.migrations.image",
       [](json& s) { s["migrations"]["image"] = "Not A Valid Reference"; }},
      {"spec.job.resources.limits.cpu",
       [](json& s) {
         s["job"]["resources"] = {{"limits", {{"cpu", "lots"}}}};
       }},
      {"spec.job.resources.requests.memory",
       [](json& s) {
         s["job"]["resources"] = {{"requests", {{"memory", "1 GB"}}}};
       }},
      {"spec.job.podStartTimeout", [](json& s) { s["job"]["podStartTimeout"] = "1s"; }},
      {"spec.targetRevision", [](json& s) { s.erase("targetRevision"); }},
      {"spec.targetRevision", [](json& s) { s["targetRevision"] = "--allow-downgrade"; }},
      {"spec.targetRevision", [](json& s) { s["targetRevision"] = "head\t"; }},
      {"spec.targetRevision", [](json& s) { s["targetRevision"] = "head\n--allow-downgrade"; }},
      {"spec.targetRevision", [](json& s) { s["targetRevision"] = std::string("head\0", 5); }},
      {"spec.targetRevision", [](json& s) { s["targetRevision"] = "head-99999999999999999999"; }},
  };
  int index = 0;
  for (const Case& c : cases) {
    json object = minimal("bad-" + std::to_string(index++));
    c.spoil(object["spec"]);
    try {
      client->create(schemaVersions(), ns, object);
      ADD_FAILURE() << c.field << ": accepted " << object["spec"].dump();
    } catch (const kube::ApiError& error) {
      EXPECT_EQ(error.code(), 422) << error.what();
      EXPECT_NE(std::string(error.what()).find(c.field), std::string::npos)
          << c.field << ": " << error.what();
    }
  }
  // What is well formed still passes.
  json good = minimal("good");
  good["spec"]["migrations"]["image"] =
      "registry.example.com:5000/shop/retort-sweetshop:0.2.0@sha256:" + std::string(64, 'a');
  good["spec"]["job"]["resources"] = {{"limits", {{"cpu", "500m"}, {"memory", "256Mi"}}},
                                      {"requests", {{"cpu", 1}}}};
  good["spec"]["targetRevision"] = "shop@head-2";
  EXPECT_NO_THROW(client->create(schemaVersions(), ns, good));
}

TEST(OperatorCrdTest, StatusSubresourceAndPrinterColumns) {
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = make_namespace(*client, "sv-columns");
  json created = client->create(schemaVersions(), ns, minimal("sweetshop"));
  const std::int64_t generation = created["metadata"]["generation"];

  op::SchemaVersionStatus status;
  status.observedGeneration = generation;
  status.currentRevisions = {"2a3b7c4d5e07"};
  status.targetRevisions = {"2a3b7c4d5e07"};
  status.conditions.push_back(
      {"Ready", "True", "Succeeded", "database at target", generation, "2026-01-01T00:00:00Z"});
  created["status"] = op::statusToJson(status);
  const json updated = client->update_status(schemaVersions(), ns, created);
  EXPECT_EQ(updated["metadata"]["generation"], generation);  // status is not spec
  EXPECT_EQ(op::statusFromJson(updated["status"]), status);

  // The main resource ignores status: a spec update cannot forge it.
  json forged = updated;
  forged["status"]["currentRevisions"] = json::array({"forged"});
  forged["spec"]["targetRevision"] = "head-1";
  const json afterSpecUpdate = client->update(schemaVersions(), ns, forged);
  EXPECT_EQ(afterSpecUpdate["status"]["currentRevisions"], json::array({"2a3b7c4d5e07"}));
  EXPECT_EQ(afterSpecUpdate["metadata"]["generation"], generation + 1);

  std::string output;
  ASSERT_EQ(KubeClusterEnvironment::cluster().run_kubectl({"get", "sv", "-n", ns}, &output), 0)
      << output;
  for (const char* column : {"NAME", "TARGET", "CURRENT", "READY", "REASON", "AGE"})
    EXPECT_NE(output.find(column), std::string::npos) << output;
  EXPECT_NE(output.find("head-1"), std::string::npos) << output;
  EXPECT_NE(output.find("2a3b7c4d5e07"), std::string::npos) << output;
  EXPECT_NE(output.find("Succeeded"), std::string::npos) << output;
}

TEST(OperatorCrdTest, ExplainReadsTheDescriptions) {
  installSchemaVersionCrd();
  std::string output;
  KubeCluster& cluster = KubeClusterEnvironment::cluster();
  ASSERT_TRUE(eventually([&] {
    return cluster.run_kubectl({"explain", "sv.spec.policy.allowDowngrade"}, &output) == 0;
  })) << output;
  EXPECT_NE(output.find("Allow moves that run downgrade steps"), std::string::npos) << output;
  ASSERT_EQ(cluster.run_kubectl({"explain", "schemaversion.spec.backup.mode"}, &output), 0);
  EXPECT_NE(output.find("IfPossible"), std::string::npos) << output;
}

TEST(OperatorCrdTest, BuiltJobIsAcceptedAndItsPodIsRestricted) {
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = make_namespace(*client, "sv-job");
  client->patch(
      kube::resources::namespaces(), "", ns, kube::PatchType::Merge,
      {{"metadata", {{"labels", {{"pod-security.kubernetes.io/enforce", "restricted"}}}}}});
  const json created = client->create(schemaVersions(), ns, minimal("sweetshop"));
  op::SchemaVersion sv = op::schemaVersionFromJson(created);
  sv.spec.job.resources = {{"limits", {{"memory", "256Mi"}}}};
  const std::string name = op::migrationJobName(sv.name, sv.generation, {});
  const json job = client->create(kube::resources::jobs(), ns, op::buildMigrationJob(sv, name, {}));
  EXPECT_EQ(job["spec"]["podFailurePolicy"]["rules"][0]["action"], "FailJob");
  EXPECT_EQ(job["metadata"]["ownerReferences"][0]["uid"], created["metadata"]["uid"]);

  // Pod Security admission in enforce mode judges a pod made from the template (dry run).
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", "restricted-check"}}},
              {"spec", job["spec"]["template"]["spec"]}};
  EXPECT_NO_THROW(client->request(web::http::methods::POST,
                                  "/api/v1/namespaces/" + ns + "/pods?dryRun=All", pod));
  // The check is real: a privileged variant is refused in the same namespace.
  pod["spec"]["containers"][0]["securityContext"]["allowPrivilegeEscalation"] = true;
  EXPECT_THROW(client->request(web::http::methods::POST,
                               "/api/v1/namespaces/" + ns + "/pods?dryRun=All", pod),
               kube::ApiError);
}

}  // namespace
}  // namespace retort::testing
