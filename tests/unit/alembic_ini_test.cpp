#include "engine/script/alembic_ini.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/util/errors.hpp"

namespace retort::engine {
namespace {

TEST(AlembicIni, InterpolatesHereDefaultsAndEscapedPercent) {
  auto section = parseIniSection(
      "[DEFAULT]\nroot = /srv\n\n[alembic]\n# comment\nscript_location = %(here)s/db\n"
      "file_template = %%(rev)s_%%(slug)s\nlocations = %(root)s/a\n  %(root)s/b\n"
      "Version_Table: my_version\n[formatter_generic]\nformat = %(levelname)-5.5s %(message)s\n",
      "/proj/alembic.ini", "alembic");
  ASSERT_TRUE(section);
  const auto& a = *section;
  EXPECT_EQ(a.at("script_location"), "/proj/db");
  EXPECT_EQ(a.at("file_template"), "%(rev)s_%(slug)s");
  EXPECT_EQ(a.at("locations"), "/srv/a\n/srv/b");
  EXPECT_EQ(a.at("version_table"), "my_version");
}

TEST(AlembicIni, BadInterpolationNamesTheLine) {
  try {
    parseIniSection("[alembic]\n\nscript_location = %(nope)s\n", "a.ini", "alembic");
    FAIL() << "expected an error";
  } catch (const ScriptError& e) {
    EXPECT_EQ(std::string(e.what()), "a.ini:3: bad interpolation variable reference %(nope)s");
  }
}

class AlembicIniFile : public ::testing::Test {
 protected:
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("retort-ini-" + std::to_string(::getpid()));
  void SetUp() override { std::filesystem::create_directories(dir); }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::filesystem::path write(const std::string& text) {
    std::ofstream(dir / "alembic.ini") << text;
    return dir / "alembic.ini";
  }
};

TEST_F(AlembicIniFile, ReadsTheSettingsThatLocateAndNameScripts) {
  AlembicIni ini = readAlembicIni(
      write("[alembic]\nscript_location = migrations\nversion_locations = %(here)s/v1, v2 v3\n"
            "truncate_slug_length = 12\ntimezone = UTC\nversion_table = vt\n"
            "version_table_schema = meta\n"),
      "/base");
  EXPECT_EQ(ini.scriptLocation, "/base/migrations");
  EXPECT_EQ(ini.versionLocations,
            (std::vector<std::filesystem::path>{dir / "v1", "/base/v2", "/base/v3"}));
  EXPECT_EQ(ini.fileTemplate, "%(rev)s_%(slug)s");
  EXPECT_EQ(ini.truncateSlugLength, 12);
  EXPECT_EQ(ini.timezone, "UTC");
  EXPECT_EQ(ini.versionTable, "vt");
  EXPECT_EQ(ini.versionTableSchema, "meta");
}

TEST_F(AlembicIniFile, VersionPathSeparatorOs) {
  AlembicIni ini =
      readAlembicIni(write("[alembic]\nscript_location = .\nversion_path_separator = os\n"
                           "version_locations = /a b:/c\n"),
                     "/base");
  EXPECT_EQ(ini.versionLocations, (std::vector<std::filesystem::path>{"/a b", "/c"}));
}

TEST_F(AlembicIniFile, MissingScriptLocationUsesAlembicsWording) {
  try {
    readAlembicIni(write("[alembic]\nsqlalchemy.url = x\n"), "/base");
    FAIL() << "expected an error";
  } catch (const CommandError& e) {
    EXPECT_EQ(std::string(e.what()), "No 'script_location' key found in configuration.");
  }
}

}  // namespace
}  // namespace retort::engine
