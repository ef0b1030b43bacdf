// A Job the API server refuses: the message names the SchemaVersion's field.
#include <gtest/gtest.h>

#include "operator/schema_version/job_refusal.hpp"

namespace retort::op {
namespace {

TEST(OperatorJobRefusal, JobFieldsMapToTheSchemaVersionFieldsTheyComeFrom) {
  EXPECT_EQ(specFieldOfJobField("spec.template.spec.containers[0].resources.limits[cpu]"),
            "spec.job.resources.limits.cpu");
  EXPECT_EQ(
      specFieldOfJobField("spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name"),
      "spec.database.secretRef.name");
  EXPECT_EQ(specFieldOfJobField("spec.template.spec.volumes[1].persistentVolumeClaim.claimName"),
            "spec.backup.persistentVolumeClaim.claimName");
  EXPECT_EQ(
      specFieldOfJobField("spec.template.spec.volumes[2].projected.sources[1].configMap.name"),
      "spec.migrations.configMaps[1]");
  EXPECT_EQ(specFieldOfJobField("spec.template.spec.imagePullSecrets[0].name"),
            "spec.job.imagePullSecrets[0].name");
  EXPECT_EQ(specFieldOfJobField("spec.template.spec.containers[0].image"), "spec.migrations.image");
  EXPECT_EQ(specFieldOfJobField("spec.activeDeadlineSeconds"), "spec.job.activeDeadlineSeconds");
  EXPECT_EQ(specFieldOfJobField("metadata.name"), "");
}

TEST(OperatorJobRefusal, TheMessageNamesBothFieldsAndWhatIsWrong) {
  EXPECT_TRUE(isJobRefusal(422));
  EXPECT_TRUE(isJobRefusal(400));
  EXPECT_FALSE(isJobRefusal(409));
  EXPECT_FALSE(isJobRefusal(500));
  const std::string message = jobRefusalMessage(
      422, "Invalid", "Job.batch \"x\" is invalid",
      {{"FieldValueInvalid", "Invalid value: \"Bad_Name!\": a lowercase RFC 1123 subdomain",
        "spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name"},
       {"FieldValueInvalid", "must be positive", "metadata.labels"}});
  EXPECT_EQ(message,
            "the API server refused the Job (422 Invalid): spec.database.secretRef.name (Job "
            "field spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name): Invalid "
            "value: \"Bad_Name!\": a lowercase RFC 1123 subdomain; Job field metadata.labels: "
            "must be positive");
  EXPECT_EQ(jobRefusalMessage(400, "BadRequest", "quantities must match", {}),
            "the API server refused the Job (400 BadRequest): quantities must match");
}

}  // namespace
}  // namespace retort::op
