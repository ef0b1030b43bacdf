#include "engine/script/alembic_python_module.hpp"

#include <gtest/gtest.h>

#include "engine/util/errors.hpp"

namespace retort::engine {
namespace {

std::string errorOf(const std::string& content) {
  try {
    alembicScript("versions/x.py", content);
  } catch (const ScriptError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(AlembicPythonModule, ReadsTheDefaultTemplatesIdentifiersAndDocstring) {
  Script s = alembicScript("versions/ab12_x.py",
                           "\"\"\"add email\n\nRevision ID: ab12\nRevises: 9f00\nCreate Date: "
                           "2024-01-03 11:30:00.000000\n\n\"\"\"\nfrom alembic import op\n\n"
                           "revision = 'ab12'\ndown_revision = '9f00'\nbranch_labels = None\n"
                           "depends_on = None\n\n\ndef upgrade():\n    pass\n");
  EXPECT_EQ(s.revision, "ab12");
  EXPECT_EQ(s.downRevisions, std::vector<std::string>{"9f00"});
  EXPECT_TRUE(s.branchLabels.empty());
  EXPECT_TRUE(s.dependsOn.empty());
  EXPECT_EQ(s.message, "add email");
  EXPECT_EQ(s.createDate, "2024-01-03 11:30:00.000000");
  EXPECT_EQ(s.longDoc,
            "add email\n\nRevision ID: ab12\nRevises: 9f00\nCreate Date: 2024-01-03 "
            "11:30:00.000000");
  EXPECT_EQ(s.revisionLine, 10);
}

TEST(AlembicPythonModule, ReadsAnnotatedTuplesListsAndMultiLineValues) {
  Script s = alembicScript("x.py",
                           "revision: str = \"m1\"\n"
                           "down_revision: Union[str, Sequence[str], None] = (\n"
                           "    'a1',  # left\n"
                           "    \"b2\",\n"
                           ")\n"
                           "branch_labels = ('shop',)\n"
                           "depends_on = ['c3', 'audit']\n");
  EXPECT_EQ(s.revision, "m1");
  EXPECT_EQ(s.downRevisions, (std::vector<std::string>{"a1", "b2"}));
  EXPECT_EQ(s.downRevisionLine, 2);
  EXPECT_EQ(s.branchLabels, std::vector<std::string>{"shop"});
  EXPECT_EQ(s.dependsOn, (std::vector<std::string>{"c3", "audit"}));
}

TEST(AlembicPythonModule, IgnoresAssignmentsInsideFunctionsAndStrings) {
  Script s = alembicScript("x.py",
                           "revision = 'r1'\ndown_revision = None\n"
                           "def upgrade():\n    revision = 'inner'\n"
                           "    op.execute(\"\"\"\nrevision = 'in a string'\n\"\"\")\n"
                           "X = '''\ndown_revision = 'also in a string'\n'''\n");
  EXPECT_EQ(s.revision, "r1");
  EXPECT_TRUE(s.downRevisions.empty());
  EXPECT_EQ(s.message, "");
}

TEST(AlembicPythonModule, AStringLabelIsOneLabelAndParenthesesDoNotMakeATuple) {
  Script s = alembicScript("x.py", "revision = ('r1')\nbranch_labels = 'shop'\n");
  EXPECT_EQ(s.revision, "r1");
  EXPECT_EQ(s.branchLabels, std::vector<std::string>{"shop"});
}

TEST(AlembicPythonModule, NonLiteralIdentifiersAreErrorsWithFileAndLine) {
  EXPECT_EQ(errorOf("import os\nrevision = os.environ['REV']\n"),
            "versions/x.py:2: 'revision' must be a literal (a string, None, or a tuple or list "
            "of strings); Retort reads scripts without running Python");
  EXPECT_NE(errorOf("revision = 'a'\ndown_revision = PARENT\n")
                .find("versions/x.py:2: "
                      "'down_revision' must be"),
            std::string::npos);
  EXPECT_NE(errorOf("revision = 'a'\ndepends_on = ('b', c)\n").find("x.py:2: 'depends_on'"),
            std::string::npos);
}

TEST(AlembicPythonModule, MissingRevisionAndBrokenTextAreErrors) {
  EXPECT_NE(errorOf("down_revision = None\n")
                .find("Could not determine revision id from "
                      "filename x.py"),
            std::string::npos);
  EXPECT_EQ(errorOf("revision = 'a'\nx = (\n"), "versions/x.py:2: unclosed bracket");
  EXPECT_EQ(errorOf("revision = 'a\n"), "versions/x.py:1: unterminated string literal");
  EXPECT_NE(errorOf("revision = None\n").find("x.py:1: 'revision' must be one string"),
            std::string::npos);
}

}  // namespace
}  // namespace retort::engine
