// The Job and pod caches' transforms: they drop the specs and the server's bookkeeping, keep
// what the controller reads, and a Job and its pods classify the same before and after.
#include <gtest/gtest.h>

#include "operator/schema_version/cache_transforms.hpp"
#include "operator/schema_version/job_builder.hpp"
#include "operator/schema_version/job_status.hpp"

namespace retort::op {
namespace {

using nlohmann::json;

// A Job as the API server returns it: the builder's Job plus server-set metadata and a status.
json servedJob() {
  SchemaVersion sv;
  sv.name = "sweetshop";
  sv.ns = "shop";
  sv.uid = "0b9e5a4c-0000-4000-8000-000000000001";
  sv.generation = 3;
  sv.spec.targetRevision = "head";
  sv.spec.database = {"sweetshop-db", "uri"};
  sv.spec.migrations.image = "localhost/retort-sweetshop:0.2.0";
  json job = buildMigrationJob(sv, "sweetshop-g3-abc", {"a1"});
  job["metadata"]["namespace"] = "shop";
  job["metadata"]["uid"] = "5d0c-job";
  job["metadata"]["resourceVersion"] = "4711";
  job["metadata"]["generation"] = 1;
  job["metadata"]["creationTimestamp"] = "2026-01-01T00:00:00Z";
  job["metadata"]["managedFields"] = json::array(
      {{{"manager", "retort"}, {"operation", "Update"}, {"fieldsV1", {{"f:spec", {}}}}}});
  job["status"] = {{"startTime", "2026-01-01T00:00:01Z"},
                   {"completionTime", "2026-01-01T00:00:09Z"},
                   {"conditions", json::array({{{"type", "Complete"}, {"status", "True"}}})}};
  return job;
}

json servedPod() {
  return {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata",
       {{"name", "sweetshop-g3-abc-x7k2q"},
        {"namespace", "shop"},
        {"resourceVersion", "4712"},
        {"labels", {{"job-name", "sweetshop-g3-abc"}, {kManagedByLabel, kManagedByValue}}},
        {"ownerReferences",
         json::array({{{"kind", "Job"}, {"name", "sweetshop-g3-abc"}, {"controller", true}}})},
        {"managedFields", json::array({{{"manager", "kube-controller-manager"}}})}}},
      {"spec", {{"containers", json::array({{{"name", "retort"}, {"image", "x"}}})}}},
      {"status",
       {{"phase", "Succeeded"},
        {"hostIP", "10.213.77.1"},
        {"conditions", json::array({{{"type", "Ready"}, {"status", "False"}}})},
        {"containerStatuses",
         json::array(
             {{{"name", "retort"},
               {"image", "localhost/retort-sweetshop:0.2.0"},
               {"imageID", "sha256:abc"},
               {"restartCount", 0},
               {"state",
                {{"terminated",
                  {{"exitCode", 0},
                   {"finishedAt", "2026-01-01T00:00:08Z"},
                   {"message",
                    R"({"kind":"RunReport","outcome":"Succeeded","reason":"Migrated","to":["b2"],"target":["b2"]})"}}}}},
               {"lastState", json::object()}}})}}}};
}

TEST(OperatorCacheTransforms, JobKeepsMetadataTheControllerReadsAndStatusOnly) {
  const json served = servedJob();
  json cached = served;
  trimJobForCache(cached);
  EXPECT_FALSE(cached.contains("spec"));
  EXPECT_FALSE(cached["metadata"].contains("managedFields"));
  EXPECT_FALSE(cached["metadata"].contains("annotations"));
  for (const char* key :
       {"name", "namespace", "uid", "resourceVersion", "labels", "ownerReferences"})
    EXPECT_EQ(cached["metadata"][key], served["metadata"][key]) << key;
  EXPECT_EQ(cached["status"], served["status"]);
  EXPECT_LT(cached.dump().size() * 3, served.dump().size()) << "the pod template is most of a Job";
}

TEST(OperatorCacheTransforms, PodKeepsLabelsOwnersAndContainerStates) {
  const json served = servedPod();
  json cached = servedPod();
  trimPodForCache(cached);
  EXPECT_FALSE(cached.contains("spec"));
  EXPECT_FALSE(cached["metadata"].contains("managedFields"));
  EXPECT_EQ(cached["metadata"]["labels"], served["metadata"]["labels"]);
  EXPECT_EQ(cached["metadata"]["ownerReferences"], served["metadata"]["ownerReferences"]);
  EXPECT_EQ(cached["status"],
            (json{{"phase", "Succeeded"},
                  {"containerStatuses",
                   json::array({{{"name", "retort"},
                                 {"state", served["status"]["containerStatuses"][0]["state"]},
                                 {"lastState", json::object()}}})}}));
}

TEST(OperatorCacheTransforms, AJobAndItsPodsClassifyTheSameWhenTrimmed) {
  json job = servedJob();
  json pod = servedPod();
  const JobObservation whole = classifyJob(job, {pod});
  trimJobForCache(job);
  trimPodForCache(pod);
  const JobObservation trimmed = classifyJob(job, {pod});
  EXPECT_EQ(trimmed.phase, JobPhase::Succeeded);
  EXPECT_EQ(trimmed.phase, whole.phase);
  EXPECT_EQ(trimmed.name, whole.name);
  EXPECT_EQ(trimmed.startTime, whole.startTime);
  EXPECT_EQ(trimmed.completionTime, whole.completionTime);
  EXPECT_EQ(trimmed.exitCode, whole.exitCode);
  EXPECT_EQ(trimmed.reason, whole.reason);
  ASSERT_TRUE(trimmed.report.has_value());
  EXPECT_EQ(trimmed.report->to, whole.report->to);
}

TEST(OperatorCacheTransforms, WhatAPodThatCannotStartWaitsOnSurvivesTheTrim) {
  json pod = {
      {"metadata", {{"name", "p"}, {"creationTimestamp", "2026-01-01T00:00:00Z"}}},
      {"spec", {{"containers", json::array()}}},
      {"status",
       {{"phase", "Pending"},
        {"conditions", json::array({{{"type", "Initialized"}, {"status", "True"}},
                                    {{"type", "PodScheduled"},
                                     {"status", "False"},
                                     {"reason", "Unschedulable"},
                                     {"message", "persistentvolumeclaim \"x\" not found"}}})},
        {"initContainerStatuses",
         json::array({{{"name", "retort-bundle"},
                       {"image", "i"},
                       {"state", {{"waiting", {{"reason", "ErrImagePull"}}}}}}})}}}};
  const JobObservation whole = classifyJob({{"metadata", {{"name", "j"}}}}, {pod});
  trimPodForCache(pod);
  EXPECT_EQ(pod["status"]["conditions"].size(), 1u);
  EXPECT_FALSE(pod["status"]["initContainerStatuses"][0].contains("image"));
  const JobObservation trimmed = classifyJob({{"metadata", {{"name", "j"}}}}, {pod});
  ASSERT_TRUE(trimmed.podWaiting);
  EXPECT_EQ(trimmed.podWaiting, whole.podWaiting);
  EXPECT_EQ(trimmed.podWaiting->reason, "ErrImagePull");
  EXPECT_EQ(trimmed.podWaiting->since, "2026-01-01T00:00:00Z");
}

TEST(OperatorCacheTransforms, NonObjectsAreLeftAlone) {
  json nothing = nullptr;
  trimJobForCache(nothing);
  trimPodForCache(nothing);
  EXPECT_TRUE(nothing.is_null());
}

}  // namespace
}  // namespace retort::op
