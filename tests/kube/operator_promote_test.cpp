// The person's side of the gates against a real kube-apiserver, with the statuses the
// controller would write set by hand: `retort promote` pins the production overlay to what a
// Ready staging SchemaVersion is at (and refuses, exit 3, what is not Ready or not soaked long
// enough), and the kubectl plugin (deploy/kubectl-plugin/kubectl-retort, found by kubectl on
// PATH) shows the plan and the status and approves exactly the plan the object waits on.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "kube_test_support.hpp"
#include "operator/schema_version/schema_version.hpp"
#include "operator/schema_version/schema_version_reconciler.hpp"
#include "operator/schema_version/wall_time.hpp"
#include "operator_test_support.hpp"
#include "tests/support/cli_runner.hpp"
#include "tests/support/kube_cluster.hpp"
#include "tests/support/postgres_server.hpp"

namespace retort::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kStagingRevision = "2a3b7c4d5e07";
constexpr const char* kPlanHash =
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Creates NAME in ns and gives it the status the controller would have written.
json createWithStatus(kube::ApiClient& client, const std::string& ns, const std::string& name,
                      op::SchemaVersionStatus status) {
  const json created =
      client.create(op::schemaVersionResource(), ns,
                    {{"apiVersion", op::kApiVersion},
                     {"kind", op::kKind},
                     {"metadata", {{"name", name}}},
                     {"spec",
                      {{"targetRevision", kStagingRevision},
                       {"database", {{"secretRef", {{"name", "sweetshop-db"}}}}},
                       {"migrations", {{"image", "localhost/retort-sweetshop:0.2.0"}}},
                       {"backup", {{"mode", "Disabled"}}},
                       {"approval", {{"required", true}}}}}});
  const std::int64_t generation = created["metadata"]["generation"];
  status.observedGeneration = generation;
  for (op::Condition& condition : status.conditions) condition.observedGeneration = generation;
  return client.patch_status(op::schemaVersionResource(), ns, name, kube::PatchType::Merge,
                             {{"status", op::statusToJson(status)}});
}

op::SchemaVersionStatus readyAt(const std::string& revision, std::chrono::seconds readyFor) {
  op::SchemaVersionStatus status;
  status.currentRevisions = {revision};
  status.targetRevisions = {revision};
  const std::string since = op::wallTimeText(std::chrono::system_clock::now() - readyFor);
  status.conditions = {{"Ready", "True", "Migrated", "database at target", 0, since},
                       {"Reconciling", "False", "Migrated", "", 0, since},
                       {"Stalled", "False", "Migrated", "", 0, since}};
  return status;
}

// A copy of the production overlay in a fresh directory.
fs::path productionOverlay() {
  std::string pattern = (fs::temp_directory_path() / "retort-overlay.XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  fs::copy_file(kOperatorSourceDir / "manifests/sweetshop/production/kustomization.yaml",
                fs::path(pattern) / "kustomization.yaml");
  return pattern;
}

test::CliResult promote(const std::string& source, const fs::path& overlay,
                        const std::string& readyFor) {
  return test::runRetort("promote --from-kubeconfig " +
                         shell_quote(KubeClusterEnvironment::cluster().kubeconfig().string()) +
                         " --from " + shell_quote(source) + " --to " +
                         shell_quote(overlay.string()) + " --ready-for " + readyFor);
}

TEST(OperatorPromoteTest, PinsTheOverlayToWhatAReadySourceIsAt) {
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = make_namespace(*client, "promote-staging");
  createWithStatus(*client, ns, "sweetshop", readyAt(kStagingRevision, std::chrono::hours(2)));
  const fs::path overlay = productionOverlay();
  const std::string before = slurp(overlay / "kustomization.yaml");

  const test::CliResult result = promote(ns + "/sweetshop", overlay, "1h");
  ASSERT_EQ(result.exitCode, 0) << result.out << result.err;
  std::cout << result.out;  // docs/operator.md quotes it
  EXPECT_NE(result.out.find("targetRevision 8f1a6b2c3d06 -> 2a3b7c4d5e07 (" + ns +
                            "/sweetshop Ready at 2a3b7c4d5e07 since "),
            std::string::npos)
      << result.out;

  // The pull request's diff is the one line, its indentation kept.
  const std::vector<std::string> was = lines(before);
  const std::vector<std::string> now = lines(slurp(overlay / "kustomization.yaml"));
  ASSERT_EQ(was.size(), now.size());
  int changed = 0;
  for (std::size_t i = 0; i < was.size(); ++i) {
    if (was[i] == now[i]) continue;
    ++changed;
    EXPECT_EQ(was[i], "        targetRevision: 8f1a6b2c3d06");
    EXPECT_EQ(now[i], "        targetRevision: 2a3b7c4d5e07");
  }
  EXPECT_EQ(changed, 1);
  EXPECT_EQ(before.back(), '\n');
  EXPECT_EQ(slurp(overlay / "kustomization.yaml").back(), '\n');

  // Run again: nothing to change, and nothing written.
  const auto written = fs::last_write_time(overlay / "kustomization.yaml");
  const test::CliResult again = promote(ns + "/sweetshop", overlay, "1h");
  EXPECT_EQ(again.exitCode, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("already 2a3b7c4d5e07"), std::string::npos) << again.out;
  EXPECT_EQ(fs::last_write_time(overlay / "kustomization.yaml"), written);

  // The kubeconfig's credentials never reach the output.
  for (const std::string& output : {result.out, result.err, again.out, again.err}) {
    EXPECT_EQ(output.find("BEGIN"), std::string::npos) << output;
    EXPECT_EQ(output.find("token"), std::string::npos) << output;
  }
  fs::remove_all(overlay);
}

TEST(OperatorPromoteTest, RefusesASourceThatIsNotReadyOrNotReadyLongEnough) {
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = make_namespace(*client, "promote-refused");
  op::SchemaVersionStatus waiting = readyAt(kStagingRevision, std::chrono::hours(2));
  waiting.conditions[0] = {"Ready",
                           "False",
                           "AwaitingApproval",
                           "approve plan " + std::string(kPlanHash),
                           0,
                           op::wallTimeText(std::chrono::system_clock::now())};
  createWithStatus(*client, ns, "waiting", waiting);
  createWithStatus(*client, ns, "soaking", readyAt(kStagingRevision, std::chrono::hours(2)));
  const fs::path overlay = productionOverlay();
  const std::string before = slurp(overlay / "kustomization.yaml");

  const test::CliResult unready = promote(ns + "/waiting", overlay, "0s");
  EXPECT_EQ(unready.exitCode, 3) << unready.out << unready.err;
  EXPECT_NE(unready.err.find(ns + "/waiting is not Ready (reason AwaitingApproval: approve plan"),
            std::string::npos)
      << unready.err;

  const test::CliResult young = promote(ns + "/soaking", overlay, "3h");
  EXPECT_EQ(young.exitCode, 3) << young.out << young.err;
  EXPECT_NE(young.err.find("is Ready at 2a3b7c4d5e07 for 2h"), std::string::npos) << young.err;
  EXPECT_NE(young.err.find("--ready-for asks 3h"), std::string::npos) << young.err;

  const test::CliResult missing = promote(ns + "/absent", overlay, "0s");
  EXPECT_EQ(missing.exitCode, 1) << missing.out << missing.err;
  EXPECT_NE(missing.err.find("SchemaVersion " + ns + "/absent not found"), std::string::npos)
      << missing.err;

  const test::CliResult usage = promote("sweetshop", overlay, "0s");
  EXPECT_EQ(usage.exitCode, 2) << usage.out << usage.err;

  EXPECT_EQ(slurp(overlay / "kustomization.yaml"), before);
  fs::remove_all(overlay);
}

// `kubectl retort ...` as a person runs it: kubectl finds the plugin on PATH.
int kubectlRetort(const std::string& arguments, std::string* output) {
  const KubeCluster& cluster = KubeClusterEnvironment::cluster();
  const fs::path plugin = kOperatorSourceDir / "deploy/kubectl-plugin";
  return test::runCommand(
      "PATH=" + shell_quote(plugin.string() + ":" + cluster.kubectl().parent_path().string()) +
          ":\"$PATH\" kubectl retort " + arguments + " --kubeconfig " +
          shell_quote(cluster.kubeconfig().string()) + " 2>&1",
      output);
}

json planConfigMap(const std::string& hash) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", "sweetshop-plan"}}},
          {"data",
           {{"hash", hash},
            {"plan.json", "{}"},
            {"plan.txt",
             "upgrade 8f1a6b2c3d06 -> 2a3b7c4d5e07, 1 step\n"
             "  2a3b7c4d5e07 versions/2a3b7c4d5e07_add_orders_note.py\n"}}}};
}

op::SchemaVersionStatus awaitingApproval(const std::string& hash) {
  op::SchemaVersionStatus status;
  status.currentRevisions = {"8f1a6b2c3d06"};
  const std::string since = "2026-01-01T00:00:00Z";
  status.plan = op::Plan{"upgrade", 1,    {"8f1a6b2c3d06"},     {kStagingRevision},
                         false,     hash, "sweetshop-plan-job", "sweetshop-plan"};
  status.gate =
      op::GateStatus{"Approval", "AwaitingApproval", "waiting for approval of plan " + hash, since};
  status.nextWindowStart = "2026-01-02T02:00:00Z";
  status.rehearsal =
      op::RehearsalStatus{"sweetshop-rehearse",
                          hash,
                          "Succeeded",
                          "Rehearsed",
                          "1 step(s) rehearsed",
                          4.5,
                          "2a3b7c4d5e07 versions/2a3b7c4d5e07_add_orders_note.py 0.012s",
                          0.25,
                          "",
                          since};
  status.conditions = {{"Ready", "False", "AwaitingApproval", "waiting for approval", 0, since},
                       {"Reconciling", "True", "AwaitingApproval", "", 0, since},
                       {"Stalled", "False", "AwaitingApproval", "", 0, since}};
  return status;
}

std::string approvedAnnotation(kube::ApiClient& client, const std::string& ns) {
  const json object = client.get(op::schemaVersionResource(), ns, "sweetshop");
  return object["metadata"]
      .value("annotations", json::object())
      .value(op::kApprovedPlanAnnotation, "");
}

TEST(OperatorPromoteTest, KubectlPluginShowsThePlanAndApprovesExactlyIt) {
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = make_namespace(*client, "plugin");
  std::string output;

  createWithStatus(*client, ns, "sweetshop", awaitingApproval(kPlanHash));
  EXPECT_EQ(kubectlRetort("plan sweetshop -n " + ns, &output), 1) << output;
  EXPECT_NE(output.find("no plan yet: ConfigMap " + ns + "/sweetshop-plan does not exist"),
            std::string::npos)
      << output;

  client->create(kube::resources::config_maps(), ns, planConfigMap(kPlanHash));
  ASSERT_EQ(kubectlRetort("plan sweetshop -n " + ns, &output), 0) << output;
  EXPECT_EQ(output,
            "upgrade 8f1a6b2c3d06 -> 2a3b7c4d5e07, 1 step\n"
            "  2a3b7c4d5e07 versions/2a3b7c4d5e07_add_orders_note.py\n");

  ASSERT_EQ(kubectlRetort("status sweetshop --namespace=" + ns, &output), 0) << output;
  std::cout << output;  // docs/operator.md quotes it
  EXPECT_NE(output.find("Ready: False, reason AwaitingApproval"), std::string::npos) << output;
  EXPECT_NE(output.find("Gate: Approval, reason AwaitingApproval, since 2026-01-01T00:00:00Z"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("Next window: 2026-01-02T02:00:00Z"), std::string::npos) << output;
  EXPECT_NE(output.find("Plan: " + std::string(kPlanHash) + " (upgrade, 1 step)"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("Rehearsal: Succeeded, plan " + std::string(kPlanHash) +
                        ", 4.5 s, lock waits 0.25 s\n  slowest step 2a3b7c4d5e07 "
                        "versions/2a3b7c4d5e07_add_orders_note.py 0.012s"),
            std::string::npos)
      << output;

  ASSERT_EQ(kubectlRetort("approve sweetshop -n " + ns, &output), 0) << output;
  std::cout << output;
  EXPECT_NE(output.find("Approving plan " + std::string(kPlanHash)), std::string::npos) << output;
  EXPECT_NE(output.find("add_orders_note.py"), std::string::npos) << output;
  EXPECT_EQ(approvedAnnotation(*client, ns), kPlanHash);
}

TEST(OperatorPromoteTest, KubectlPluginRefusesAPlanThatIsNotTheOneWaitedOn) {
  installSchemaVersionCrd();
  auto client = admin_client();
  const std::string ns = make_namespace(*client, "plugin-refused");
  std::string output;
  const std::string other =
      "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
  createWithStatus(*client, ns, "sweetshop", awaitingApproval(other));
  client->create(kube::resources::config_maps(), ns, planConfigMap(kPlanHash));

  EXPECT_EQ(kubectlRetort("approve sweetshop -n " + ns, &output), 3) << output;
  EXPECT_NE(output.find("is not the plan " + ns + "/sweetshop waits on (status.plan.hash " + other),
            std::string::npos)
      << output;
  EXPECT_EQ(approvedAnnotation(*client, ns), "");

  // No gate, no approval: a Ready object has nothing to approve.
  op::SchemaVersionStatus ready = readyAt(kStagingRevision, std::chrono::hours(1));
  ready.plan = awaitingApproval(kPlanHash).plan;
  client->patch_status(op::schemaVersionResource(), ns, "sweetshop", kube::PatchType::Merge,
                       {{"status",
                         {{"gate", nullptr},
                          {"conditions", op::statusToJson(ready)["conditions"]},
                          {"plan", op::statusToJson(ready)["plan"]}}}});
  EXPECT_EQ(kubectlRetort("approve sweetshop -n " + ns, &output), 3) << output;
  EXPECT_NE(output.find("does not wait for approval (no gate"), std::string::npos) << output;
  EXPECT_EQ(approvedAnnotation(*client, ns), "");
  ASSERT_EQ(kubectlRetort("status sweetshop -n " + ns, &output), 0) << output;
  EXPECT_NE(output.find("Gate: no gate"), std::string::npos) << output;
  EXPECT_NE(output.find("Ready: True, reason Migrated"), std::string::npos) << output;
}

}  // namespace
}  // namespace retort::testing
