#include "engine/script/alembic_conversion.hpp"

#include <gtest/gtest.h>

#include "engine/util/errors.hpp"

namespace retort::engine {
namespace {

const char* kOutput =
    "BEGIN;\n\nCREATE TABLE alembic_version (...);\n\n-- Running upgrade  -> a1\n\n"
    "-- retort:begin upgrade a1\n\nCREATE TABLE t (id int);\n\n-- retort:end a1\n\n"
    "INSERT INTO alembic_version (version_num) VALUES ('a1');\n\n"
    "-- retort:unrenderable b2 19 get_bind( needs a database connection\n\nCOMMIT;\n";

TEST(AlembicConversion, SplitsAlembicsOfflineOutputByRevision) {
  auto steps = parseOfflineRendering(kOutput);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_TRUE(steps["a1"].renderable);
  EXPECT_EQ(steps["a1"].sql, "\nCREATE TABLE t (id int);\n\n");
  EXPECT_FALSE(steps["b2"].renderable);
  EXPECT_EQ(steps["b2"].line, 19);
  EXPECT_EQ(steps["b2"].reason, "get_bind( needs a database connection");
}

TEST(AlembicConversion, AnUnterminatedBlockIsAnError) {
  EXPECT_THROW(parseOfflineRendering("-- retort:begin upgrade a1\nSELECT 1;\n"), CommandError);
}

TEST(AlembicConversion, WritesRetortsHeaderAndARefusingSectionForUnrenderableSteps) {
  Script s;
  s.path = "versions/b2_x.py";
  s.revision = "b2";
  s.downRevisions = {"a1", "a0"};
  s.branchLabels = {"shop"};
  s.dependsOn = {"c3"};
  s.createDate = "2024-01-02 10:00:00";
  s.message = "it's two\nlines";
  RenderedStep up{"\n\nALTER TABLE t ADD x int;\n\n", true, 0, ""};
  RenderedStep down{"", false, 19, "get_bind( needs a database connection"};
  EXPECT_EQ(convertedScriptText(s, up, &down),
            "-- revision: b2\n-- down_revision: a1, a0\n-- branch_labels: shop\n"
            "-- depends_on: c3\n-- create_date: 2024-01-02 10:00:00\n"
            "-- message: it's two lines\n\n-- migrate:upgrade\nALTER TABLE t ADD x int;\n\n"
            "-- migrate:downgrade\n-- retort convert could not render this step offline: "
            "versions/b2_x.py:19: get_bind( needs a database connection\n-- Write its SQL here, "
            "then delete the statement below.\nDO $$ BEGIN RAISE EXCEPTION 'revision b2 was not "
            "converted: write its downgrade SQL (see versions/b2_x.py:19)'; END $$;\n");
  Script parsed = parseScript("versions/b2_x.sql", convertedScriptText(s, up, &down));
  EXPECT_EQ(parsed.downRevisions, s.downRevisions);
  EXPECT_EQ(parsed.dependsOn, s.dependsOn);
}

}  // namespace
}  // namespace retort::engine
