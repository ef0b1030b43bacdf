#include "engine/script/revision_writer.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "engine/util/errors.hpp"

namespace retort::engine {
namespace {

TEST(RevisionWriter, SlugFollowsAlembic) {
  EXPECT_EQ(
      slugify("Add user's e-mail column, with UNIQUE index & a very long description here!", 40),
      "add_user_s_e_mail_column_with_unique_");
  EXPECT_EQ(slugify("", 40), "");
  EXPECT_EQ(slugify("short one", 40), "short_one");
}

TEST(RevisionWriter, FileTemplateTokens) {
  std::tm when{};
  when.tm_year = 2026 - 1900;
  when.tm_mon = 10;
  when.tm_mday = 24;
  when.tm_hour = 19;
  when.tm_min = 6;
  EXPECT_EQ(
      renderFileTemplate("%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d-%(rev)s_%(slug)s",
                         "1a2b3c4d5e6f", "add_user_s_e_mail_column_with_unique_", when, 0),
      "2026_11_24_1906-1a2b3c4d5e6f_add_user_s_e_mail_column_with_unique_");
  EXPECT_EQ(renderFileTemplate("%(epoch)s_%(rev)s", "3c3c", "", when, 1795547167),
            "1795547167_3c3c");
}

TEST(RevisionWriter, RandomIdsAreTwelveHexDigits) {
  std::regex hex("^[0-9a-f]{12}$");
  std::string a = randomRevisionId(), b = randomRevisionId();
  EXPECT_TRUE(std::regex_match(a, hex)) << a;
  EXPECT_TRUE(std::regex_match(b, hex)) << b;
  EXPECT_NE(a, b);
}

TEST(RevisionWriter, TemplateParsesBackIntoAScript) {
  std::string text =
      renderScriptTemplate(kDefaultScriptTemplate, {{"up_revision", "abc123"},
                                                    {"down_revision", "def456"},
                                                    {"branch_labels", ""},
                                                    {"depends_on", ""},
                                                    {"create_date", "2026-11-24 19:06:07.174425"},
                                                    {"message", "add things"},
                                                    {"upgrades", "CREATE TABLE t (id int);"},
                                                    {"downgrades", "DROP TABLE t;"}});
  Script s = parseScript("x.sql", text);
  EXPECT_EQ(s.revision, "abc123");
  EXPECT_EQ(s.downRevisions, (std::vector<std::string>{"def456"}));
  EXPECT_NE(s.upgrade.sql.find("CREATE TABLE t"), std::string::npos);
  EXPECT_EQ(text.find(" \n"), std::string::npos) << "no trailing blanks";
}

// Issue 8, defect 13: a value is written as it is, never expanded again.
TEST(RevisionWriter, TemplateDoesNotExpandTokensInsideValues) {
  std::string text =
      renderScriptTemplate("-- message: ${message}\n${upgrades}\n${unknown}\n",
                           {{"message", "${upgrades} and ${message}"}, {"upgrades", "SELECT 1;"}});
  EXPECT_EQ(text, "-- message: ${upgrades} and ${message}\nSELECT 1;\n${unknown}\n");
}

// Defect 1: neither the id nor the file template can write outside versions/.
TEST(RevisionWriter, ScriptPathStaysInsideTheVersionsFolder) {
  EXPECT_EQ(scriptPathInside("/p/versions", "2026-ab_x.sql"), "/p/versions/2026-ab_x.sql");
  EXPECT_THROW(scriptPathInside("/p/versions", "../../x.sql"), CommandError);
  EXPECT_THROW(scriptPathInside("/p/versions", "2026-../../evil_x.sql"), CommandError);
  EXPECT_THROW(scriptPathInside("/p/versions", "/etc/cron.d/x.sql"), CommandError);
  EXPECT_THROW(scriptPathInside("/p/versions", "sub/x.sql"), CommandError);
  EXPECT_THROW(scriptPathInside("/p/versions", ".hidden.sql"), CommandError);
  try {
    scriptPathInside("/p/versions", "../../x.sql");
  } catch (const CommandError& e) {
    EXPECT_EQ(std::string(e.what()),
              "file name '../../x.sql' (from file_template) is not a file directly inside "
              "/p/versions");
  }
}

}  // namespace
}  // namespace retort::engine
