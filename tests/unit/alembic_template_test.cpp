#include "engine/script/alembic_template.hpp"

#include <gtest/gtest.h>

#include "engine/util/errors.hpp"

namespace retort::engine {
namespace {

std::string render(const std::string& text, const std::map<std::string, PythonValue>& values) {
  return renderMakoTemplate(text, "script.py.mako", values);
}

TEST(AlembicTemplate, RendersAlembicsDefaultTemplateForms) {
  std::map<std::string, PythonValue> v{{"up_revision", PythonValue::of("ab12")},
                                       {"down_revision", PythonValue::scalarOrTuple({"a1", "b2"})},
                                       {"branch_labels", PythonValue::tuple({"shop"})},
                                       {"depends_on", PythonValue::none()},
                                       {"message", PythonValue::of("it's new")}};
  EXPECT_EQ(
      render("\"\"\"${message}\n\nRevises: ${down_revision | comma,n}\n\"\"\"\n"
             "${imports if imports else \"\"}\nrevision = ${repr(up_revision)}\n"
             "down_revision = ${repr(down_revision)}\nbranch_labels = ${repr(branch_labels)}\n"
             "depends_on = ${repr(depends_on)}\n    ${upgrades if upgrades else \"pass\"}\n",
             v),
      "\"\"\"it's new\n\nRevises: a1, b2\n\"\"\"\n\nrevision = 'ab12'\n"
      "down_revision = ('a1', 'b2')\nbranch_labels = ('shop',)\ndepends_on = None\n"
      "    pass\n");
}

TEST(AlembicTemplate, ControlLinesAndComments) {
  std::string t =
      "## a comment\n% if branch_labels:\nlabels\n% elif depends_on:\ndeps\n% else:\nnone\n"
      "% endif\nend";
  EXPECT_EQ(render(t, {{"branch_labels", PythonValue::tuple({"x"})}}), "labels\nend");
  EXPECT_EQ(render(t, {{"depends_on", PythonValue::of("y")}}), "deps\nend");
  EXPECT_EQ(render(t, {}), "none\nend");
}

TEST(AlembicTemplate, ReprQuotesLikePython) {
  EXPECT_EQ(PythonValue::of("it's").repr(), "\"it's\"");
  EXPECT_EQ(PythonValue::of("a\\b").repr(), "'a\\\\b'");
  EXPECT_EQ(PythonValue::scalarOrTuple({}).repr(), "None");
}

TEST(AlembicTemplate, UnsupportedFormsNameTheTemplateLine) {
  try {
    render("ok\n${foo.bar()}\n", {});
    FAIL() << "expected an error";
  } catch (const ScriptError& e) {
    EXPECT_NE(std::string(e.what()).find("script.py.mako:2: unsupported expression 'foo.bar()'"),
              std::string::npos);
  }
  EXPECT_THROW(render("% if x:\nno end\n", {}), ScriptError);
  EXPECT_THROW(render("% for x in y:\n", {}), ScriptError);
}

}  // namespace
}  // namespace retort::engine
