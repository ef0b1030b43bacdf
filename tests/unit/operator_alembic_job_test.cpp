// spec.migrations.alembic (an Alembic project run as it is in its application image): reading
// it, and the Job it gives: an init container copying Retort's bundle from the Retort image into
// a shared emptyDir, and the application container running that copy with --executor alembic.
#include <gtest/gtest.h>

#include <algorithm>

#include "operator/schema_version/job_builder.hpp"
#include "operator/schema_version/schema_version.hpp"
#include "operator_spec_fixture.hpp"

namespace retort::op {
namespace {

using nlohmann::json;

using testing::specErrorPath;

// The SweetShop as an Alembic project in its application image, run by Retort's image.
json alembicSpec() {
  json spec = testing::sweetshopSpecJson();
  spec["migrations"] = json::parse(R"({"image": "localhost/retort:0.1.0",
      "alembic": {"image": "localhost/sweetshop-app:1.0", "path": "/app/alembic"}})");
  spec["backup"] = json::parse(R"({"mode": "Disabled"})");
  return spec;
}

TEST(OperatorAlembicSpec, ReadsImagePathAndDefaultPython) {
  const SchemaVersionSpec spec = specFromJson(alembicSpec());
  ASSERT_TRUE(spec.migrations.alembic.has_value());
  EXPECT_EQ(spec.migrations.alembic->image, "localhost/sweetshop-app:1.0");
  EXPECT_EQ(spec.migrations.alembic->path, "/app/alembic");
  EXPECT_EQ(spec.migrations.alembic->python, "python3");
  EXPECT_FALSE(specFromJson(json::parse(R"({
    "targetRevision": "head", "database": {"secretRef": {"name": "db"}}, "migrations": {"image": "r"},
    "backup": {"mode": "Disabled"}})"))
                   .migrations.alembic.has_value());
}

TEST(OperatorAlembicSpec, ErrorsNameTheFieldPath) {
  json spec = alembicSpec();
  spec["migrations"]["alembic"].erase("image");
  EXPECT_EQ(specErrorPath(spec), "spec.migrations.alembic.image");
  spec = alembicSpec();
  spec["migrations"]["alembic"]["path"] = "alembic";
  EXPECT_EQ(specErrorPath(spec), "spec.migrations.alembic.path");
  spec = alembicSpec();
  spec["migrations"]["alembic"]["python"] = 3;
  EXPECT_EQ(specErrorPath(spec), "spec.migrations.alembic.python");
  spec = alembicSpec();
  spec["migrations"]["alembic"] = "yes";
  EXPECT_EQ(specErrorPath(spec), "spec.migrations.alembic");
  spec = alembicSpec();
  spec["migrations"]["configMaps"] = json::array({"scripts"});
  EXPECT_EQ(specErrorPath(spec), "spec.migrations.configMaps");
}

SchemaVersion alembicSchemaVersion() {
  SchemaVersion sv;
  sv.name = "sweetshop";
  sv.ns = "shop";
  sv.uid = "0b9e5a4c-0000-4000-8000-000000000002";
  sv.generation = 1;
  sv.spec = specFromJson(alembicSpec());
  sv.spec.migrations.alembic->python = "/usr/bin/python3";
  return sv;
}

const json* byName(const json& list, const std::string& name) {
  for (const json& item : list)
    if (item.value("name", "") == name) return &item;
  return nullptr;
}

TEST(OperatorAlembicJob, InitContainerCopiesRetortFromTheRetortImageIntoASharedVolume) {
  const json job = buildMigrationJob(alembicSchemaVersion(), "sweetshop-g1-abc", {});
  const json& pod = job["spec"]["template"]["spec"];
  ASSERT_EQ(pod["initContainers"].size(), 1u);
  const json& init = pod["initContainers"][0];
  EXPECT_EQ(init["image"], "localhost/retort:0.1.0");
  EXPECT_EQ(init["command"], json::array({"retort"}));
  EXPECT_EQ(init["args"], json::array({"copy-bundle", "/retort", "--from", "/opt/retort"}));
  EXPECT_EQ(init["securityContext"]["readOnlyRootFilesystem"], true);
  const json* volume = byName(pod["volumes"], "retort-bundle");
  ASSERT_NE(volume, nullptr);
  EXPECT_TRUE(volume->contains("emptyDir"));
  const json* initMount = byName(init["volumeMounts"], "retort-bundle");
  ASSERT_NE(initMount, nullptr);
  EXPECT_EQ((*initMount)["mountPath"], "/retort");
  EXPECT_FALSE(initMount->contains("readOnly"));
}

TEST(OperatorAlembicJob, AppContainerRunsTheCopyWithTheAlembicExecutor) {
  const json job = buildMigrationJob(alembicSchemaVersion(), "sweetshop-g1-abc", {});
  const json& pod = job["spec"]["template"]["spec"];
  const json& container = pod["containers"][0];
  // The podFailurePolicy names this container: it keeps its name.
  EXPECT_EQ(container["name"], "retort");
  EXPECT_EQ(container["image"], "localhost/sweetshop-app:1.0");
  EXPECT_EQ(container["command"], json::array({"/retort/bin/retort"}));
  const std::vector<std::string> args = container["args"];
  const std::vector<std::string> expected = {"-d",
                                             "/app/alembic",
                                             "--lock-timeout",
                                             "2000ms",
                                             "--lock-retries",
                                             "5",
                                             "run",
                                             "--backup",
                                             "disabled",
                                             "--report",
                                             "/dev/termination-log",
                                             "--run-id",
                                             "sweetshop-g1-abc",
                                             "--executor",
                                             "alembic",
                                             "--python",
                                             "/usr/bin/python3",
                                             "--",
                                             "head"};
  EXPECT_EQ(args, expected);
  const json* mount = byName(container["volumeMounts"], "retort-bundle");
  ASSERT_NE(mount, nullptr);
  EXPECT_EQ((*mount)["mountPath"], "/retort");
  EXPECT_EQ((*mount)["readOnly"], true);
  const json* path = byName(container["env"], "PATH");
  ASSERT_NE(path, nullptr);
  EXPECT_EQ((*path)["value"].get<std::string>().rfind("/retort/bin:", 0), 0u);
  // The URL still comes from the Secret only.
  const json* url = byName(container["env"], "DATABASE_URL");
  ASSERT_NE(url, nullptr);
  EXPECT_EQ((*url)["valueFrom"]["secretKeyRef"]["name"], "sweetshop-db");
  EXPECT_FALSE(url->contains("value"));
}

TEST(OperatorAlembicJob, WithoutTheFieldTheJobIsUnchanged) {
  SchemaVersion sv = alembicSchemaVersion();
  sv.spec.migrations.alembic.reset();
  const json job = buildMigrationJob(sv, "sweetshop-g1-abc", {});
  const json& pod = job["spec"]["template"]["spec"];
  EXPECT_FALSE(pod.contains("initContainers"));
  EXPECT_EQ(byName(pod["volumes"], "retort-bundle"), nullptr);
  const json& container = pod["containers"][0];
  EXPECT_EQ(container["image"], "localhost/retort:0.1.0");
  EXPECT_EQ(container["command"], json::array({"retort"}));
  const std::vector<std::string> args = container["args"];
  EXPECT_EQ(std::find(args.begin(), args.end(), "--executor"), args.end());
  EXPECT_EQ(byName(container["env"], "PATH"), nullptr);
}

}  // namespace
}  // namespace retort::op
