// REST verbs against the real API server: a custom resource whose CRD the test installs, plus
// core (ConfigMap) and batch (Job) objects; errors carry the server's Status.
#include <gtest/gtest.h>

#include "kube/api_client.hpp"
#include "kube/api_error.hpp"
#include "kube_test_support.hpp"

namespace retort::testing {
namespace {

using kube::ApiError;
using kube::PatchType;
using nlohmann::json;

json widget(const std::string& name, int size) {
  return {{"apiVersion", "kube-test.retort.dev/v1"},
          {"kind", "Widget"},
          {"metadata", {{"name", name}, {"labels", {{"app", "rest-test"}}}}},
          {"spec", {{"size", size}, {"colour", "red"}}}};
}

class RestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = admin_client();
    install_widget_crd(*client_);
    ns_ = make_namespace(*client_, "rest");
  }
  std::shared_ptr<kube::ApiClient> client_;
  std::string ns_;
};

TEST_F(RestTest, CreateGetPatchAndStatusOfACustomResource) {
  const json created = client_->create(widgets(), ns_, widget("w1", 1));
  EXPECT_EQ(created["metadata"]["name"], "w1");
  EXPECT_EQ(created["metadata"]["generation"], 1);

  const json fetched = client_->get(widgets(), ns_, "w1");
  EXPECT_EQ(fetched["spec"]["size"], 1);
  EXPECT_EQ(fetched["metadata"]["uid"], created["metadata"]["uid"]);

  // Merge patch of the spec bumps the generation.
  const json merged = client_->patch(widgets(), ns_, "w1", PatchType::Merge,
                                     {{"spec", {{"size", 2}, {"tags", {"a", "b"}}}}});
  EXPECT_EQ(merged["spec"]["size"], 2);
  EXPECT_EQ(merged["spec"]["colour"], "red");
  EXPECT_EQ(merged["metadata"]["generation"], 2);

  // JSON patch with a test op: applies only if the precondition holds.
  const json patched = client_->patch(
      widgets(), ns_, "w1", PatchType::Json,
      json::array({{{"op", "test"}, {"path", "/spec/size"}, {"value", 2}},
                   {{"op", "replace"}, {"path", "/spec/colour"}, {"value", "blue"}}}));
  EXPECT_EQ(patched["spec"]["colour"], "blue");
  try {
    client_->patch(widgets(), ns_, "w1", PatchType::Json,
                   json::array({{{"op", "test"}, {"path", "/spec/size"}, {"value", 99}}}));
    FAIL() << "a failing JSON-patch test op must be rejected";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), 422) << e.what();
  }

  // Status patch goes to the subresource and does not bump the generation; a status field in
  // a main-resource patch is ignored.
  const json status =
      client_->patch_status(widgets(), ns_, "w1", PatchType::Merge,
                            {{"status", {{"phase", "Ready"}, {"observedGeneration", 3}}}});
  EXPECT_EQ(status["status"]["phase"], "Ready");
  EXPECT_EQ(status["metadata"]["generation"], 3);  // merge + JSON patch of spec, not status
  client_->patch(widgets(), ns_, "w1", PatchType::Merge, {{"status", {{"phase", "Ignored"}}}});
  EXPECT_EQ(client_->get_status(widgets(), ns_, "w1")["status"]["phase"], "Ready");

  // Server-side apply, of the object and of its status.
  json applied_spec = widget("w1", 7);
  applied_spec["metadata"].erase("labels");
  const json applied = client_->apply(widgets(), ns_, applied_spec, "rest-test");
  EXPECT_EQ(applied["spec"]["size"], 7);
  const json applied_status = client_->apply_status(widgets(), ns_,
                                                    {{"apiVersion", "kube-test.retort.dev/v1"},
                                                     {"kind", "Widget"},
                                                     {"metadata", {{"name", "w1"}}},
                                                     {"status", {{"phase", "Applied"}}}},
                                                    "rest-test");
  EXPECT_EQ(applied_status["status"]["phase"], "Applied");

  // PUT of the status subresource.
  json current = client_->get(widgets(), ns_, "w1");
  current["status"]["phase"] = "Replaced";
  EXPECT_EQ(client_->update_status(widgets(), ns_, current)["status"]["phase"], "Replaced");
}

TEST_F(RestTest, ConflictingUpdateIs409AndARetryWins) {
  client_->create(widgets(), ns_, widget("contended", 1));
  json first = client_->get(widgets(), ns_, "contended");
  json second = first;

  first["spec"]["size"] = 10;
  client_->update(widgets(), ns_, first);

  second["spec"]["size"] = 20;
  try {
    client_->update(widgets(), ns_, second);
    FAIL() << "a stale resourceVersion must conflict";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), 409);
    EXPECT_TRUE(e.is_conflict()) << e.reason();
    EXPECT_FALSE(e.is_already_exists());
  }

  // The usual retry loop: re-read, re-apply the change, write again.
  int attempts = 0;
  for (;; ++attempts) {
    ASSERT_LT(attempts, 5);
    json fresh = client_->get(widgets(), ns_, "contended");
    fresh["spec"]["size"] = 20;
    try {
      client_->update(widgets(), ns_, fresh);
      break;
    } catch (const ApiError& e) {
      if (!e.is_conflict()) throw;
    }
  }
  EXPECT_EQ(client_->get(widgets(), ns_, "contended")["spec"]["size"], 20);

  // A merge patch carrying a stale resourceVersion is an optimistic lock too.
  try {
    client_->patch(widgets(), ns_, "contended", PatchType::Merge,
                   {{"metadata", {{"resourceVersion", second["metadata"]["resourceVersion"]}}},
                    {"status", {{"phase", "x"}}}});
    FAIL() << "stale optimistic-lock patch must conflict";
  } catch (const ApiError& e) {
    EXPECT_TRUE(e.is_conflict());
  }
}

TEST_F(RestTest, ErrorsCarryTheServersStatus) {
  try {
    client_->get(widgets(), ns_, "missing");
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_TRUE(e.is_not_found());
    EXPECT_EQ(e.reason(), "NotFound");
    EXPECT_NE(e.message().find("missing"), std::string::npos);
  }
  client_->create(widgets(), ns_, widget("dup", 1));
  try {
    client_->create(widgets(), ns_, widget("dup", 1));
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), 409);
    EXPECT_TRUE(e.is_already_exists());
    EXPECT_FALSE(e.is_conflict());
  }
  try {
    client_->create(widgets(), ns_, widget("negative", -5));  // schema: minimum 0
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_TRUE(e.is_invalid());
    ASSERT_FALSE(e.causes().empty());
    EXPECT_EQ(e.causes()[0].field, "spec.size");
  }
}

TEST_F(RestTest, ListWithLabelSelectorAndPagination) {
  for (int i = 0; i < 5; ++i) {
    json w = widget("page-" + std::to_string(i), i);
    w["metadata"]["labels"]["parity"] = i % 2 == 0 ? "even" : "odd";
    client_->create(widgets(), ns_, w);
  }
  kube::ListOptions options;
  options.limit = 2;
  kube::ObjectList page = client_->list(widgets(), ns_, options);
  EXPECT_EQ(page.items.size(), 2u);
  EXPECT_FALSE(page.continue_token.empty());
  EXPECT_EQ(page.items[0]["kind"], "Widget");

  std::size_t seen = page.items.size();
  while (!page.continue_token.empty()) {
    options.continue_token = page.continue_token;
    page = client_->list(widgets(), ns_, options);
    seen += page.items.size();
  }
  EXPECT_EQ(seen, 5u);

  EXPECT_EQ(client_->list_all(widgets(), ns_, {}, 2).items.size(), 5u);
  kube::ListOptions even;
  even.label_selector = "app=rest-test,parity=even";
  EXPECT_EQ(client_->list_all(widgets(), ns_, even, 1).items.size(), 3u);
  even.label_selector = "parity in (odd)";
  EXPECT_EQ(client_->list(widgets(), ns_, even).items.size(), 2u);
}

TEST_F(RestTest, CoreAndBatchObjectsAndDeleteWithPropagation) {
  const json config_map = {{"apiVersion", "v1"},
                           {"kind", "ConfigMap"},
                           {"metadata", {{"name", "settings"}}},
                           {"data", {{"k", "v"}}}};
  client_->create(kube::resources::config_maps(), ns_, config_map);
  EXPECT_EQ(client_->get(kube::resources::config_maps(), ns_, "settings")["data"]["k"], "v");

  const json job = json::parse(R"({
    "apiVersion": "batch/v1", "kind": "Job",
    "metadata": {"name": "migrate", "labels": {"app.kubernetes.io/managed-by": "retort"}},
    "spec": {"backoffLimit": 0, "template": {"spec": {
      "restartPolicy": "Never",
      "containers": [{"name": "m", "image": "example.invalid/retort:test", "command": ["true"]}]}}}
  })");
  client_->create(kube::resources::jobs(), ns_, job);
  kube::ListOptions by_label;
  by_label.label_selector = "app.kubernetes.io/managed-by=retort";
  EXPECT_EQ(client_->list(kube::resources::jobs(), ns_, by_label).items.size(), 1u);

  client_->remove(kube::resources::jobs(), ns_, "migrate", kube::PropagationPolicy::Background);
  EXPECT_TRUE(eventually([&] {
    try {
      client_->get(kube::resources::jobs(), ns_, "migrate");
      return false;
    } catch (const ApiError& e) {
      return e.is_not_found();
    }
  }));

  // A delete precondition on a stale resourceVersion is refused with 409.
  const json current = client_->get(kube::resources::config_maps(), ns_, "settings");
  client_->patch(kube::resources::config_maps(), ns_, "settings", PatchType::Merge,
                 {{"data", {{"k", "v2"}}}});
  try {
    client_->remove(kube::resources::config_maps(), ns_, "settings",
                    kube::PropagationPolicy::Foreground,
                    current["metadata"]["resourceVersion"].get<std::string>());
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), 409);
  }
  client_->remove(kube::resources::config_maps(), ns_, "settings", kube::PropagationPolicy::Orphan);
  // The test cluster runs no garbage collector, so the server's "orphan" finalizer (added only
  // for propagationPolicy=Orphan) keeps the object, marked for deletion: proof of the policy.
  const json orphaned = client_->get(kube::resources::config_maps(), ns_, "settings");
  EXPECT_TRUE(orphaned["metadata"].contains("deletionTimestamp")) << orphaned.dump();
  EXPECT_EQ(orphaned["metadata"].value("finalizers", json::array()), json::array({"orphan"}))
      << orphaned.dump();
}

}  // namespace
}  // namespace retort::testing
