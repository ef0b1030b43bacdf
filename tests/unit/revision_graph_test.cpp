#include "engine/revision/revision_graph.hpp"

#include <gtest/gtest.h>

#include "engine/util/errors.hpp"
#include "example_graph.hpp"

namespace retort::engine {
namespace {

using test::alembicExampleGraph;
using test::makeScript;

std::vector<std::string> ids(const RevisionGraph& g, const RevisionSet& set) {
  std::vector<std::string> out;
  for (RevisionIndex i : set) out.push_back(g.id(i));
  return out;
}

TEST(RevisionGraph, DerivesHeadsBasesBranchAndMergePoints) {
  RevisionGraph g = alembicExampleGraph();
  EXPECT_EQ(ids(g, g.heads()), (std::vector<std::string>{"eeee5555", "ffff0002"}));
  EXPECT_EQ(ids(g, g.realHeads()), (std::vector<std::string>{"eeee5555", "ffff0002"}));
  EXPECT_EQ(ids(g, g.bases()), (std::vector<std::string>{"aaaa1111", "ffff0001"}));
  EXPECT_TRUE(g.isBranchPoint(g.find("bbbb2222")));
  EXPECT_TRUE(g.isMergePoint(g.find("eeee5555")));
  EXPECT_FALSE(g.isBranchPoint(g.find("aaaa1111")));
}

TEST(RevisionGraph, EffectiveHeadIsAHeadThatOnlyDependenciesBuildOn) {
  std::vector<Script> scripts;
  scripts.push_back(makeScript("aaaa1111"));
  scripts.push_back(makeScript("bbbb2222", {}, {}, {"aaaa1111"}));
  RevisionGraph g(std::move(scripts));
  EXPECT_TRUE(g.isHead(g.find("aaaa1111")));
  EXPECT_FALSE(g.isRealHead(g.find("aaaa1111")));
  EXPECT_EQ(ids(g, g.realHeads()), (std::vector<std::string>{"bbbb2222"}));
}

TEST(RevisionGraph, PropagatesBranchLabelsToDescendants) {
  RevisionGraph g = alembicExampleGraph();
  EXPECT_EQ(g.branchLabels(g.find("ffff0002")), (std::vector<std::string>{"audit"}));
  EXPECT_TRUE(g.branchLabels(g.find("bbbb2222")).empty());
  EXPECT_EQ(g.findLabel("audit"), g.find("ffff0001"));
}

TEST(RevisionGraph, NormalizedParentsIncludeDependencies) {
  RevisionGraph g = alembicExampleGraph();
  EXPECT_EQ(ids(g, g.normalizedParents(g.find("ffff0002"))),
            (std::vector<std::string>{"ffff0001", "bbbb2222"}));
}

TEST(RevisionGraph, NewestFirstPutsEveryRevisionBeforeItsParents) {
  RevisionGraph g = alembicExampleGraph();
  std::vector<char> all(g.size(), 1);
  RevisionSet order = g.newestFirst(all);
  ASSERT_EQ(order.size(), g.size());
  std::vector<size_t> position(g.size());
  for (size_t k = 0; k < order.size(); ++k) position[order[k]] = k;
  for (RevisionIndex i = 0; i < static_cast<RevisionIndex>(g.size()); ++i) {
    for (RevisionIndex p : g.normalizedParents(i)) EXPECT_LT(position[i], position[p]) << g.id(i);
  }
}

TEST(RevisionGraph, RejectsDuplicateIdsWithFileAndLine) {
  std::vector<Script> scripts{makeScript("aaaa1111"), makeScript("aaaa1111")};
  try {
    RevisionGraph g(std::move(scripts));
    FAIL() << "expected an error";
  } catch (const ScriptError& e) {
    EXPECT_EQ(std::string(e.what()),
              "versions/aaaa1111.sql:1: Revision aaaa1111 is present more than once (also in "
              "versions/aaaa1111.sql)");
  }
}

TEST(RevisionGraph, RejectsMissingParent) {
  std::vector<Script> scripts{makeScript("bbbb2222", {"deadbeef"})};
  EXPECT_THROW(
      {
        try {
          RevisionGraph g(std::move(scripts));
        } catch (const ScriptError& e) {
          EXPECT_EQ(e.line(), 2);
          EXPECT_NE(std::string(e.what()).find("Revision deadbeef referenced from bbbb2222"),
                    std::string::npos);
          throw;
        }
      },
      ScriptError);
}

TEST(RevisionGraph, RejectsCyclesWithAlembicsMessage) {
  std::vector<Script> scripts{makeScript("aaaa1111", {"cccc3333"}),
                              makeScript("bbbb2222", {"aaaa1111"}),
                              makeScript("cccc3333", {"bbbb2222"}), makeScript("dddd4444")};
  try {
    RevisionGraph g(std::move(scripts));
    FAIL();
  } catch (const ScriptError& e) {
    EXPECT_NE(
        std::string(e.what()).find("Cycle is detected in revisions (aaaa1111, bbbb2222, cccc3333)"),
        std::string::npos)
        << e.what();
  }
}

TEST(RevisionGraph, RejectsSelfLoopAndDependencyCycle) {
  std::vector<Script> selfLoop{makeScript("aaaa1111", {"aaaa1111"})};
  EXPECT_THROW(RevisionGraph g(std::move(selfLoop)), ScriptError);
  std::vector<Script> depCycle{makeScript("aaaa1111", {}, {}, {"bbbb2222"}),
                               makeScript("bbbb2222", {"aaaa1111"})};
  try {
    RevisionGraph g(std::move(depCycle));
    FAIL();
  } catch (const ScriptError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "Dependency cycle is detected in revisions (aaaa1111, bbbb2222)"),
              std::string::npos)
        << e.what();
  }
}

TEST(RevisionGraph, RejectsDuplicateBranchLabels) {
  std::vector<Script> scripts{makeScript("aaaa1111", {}, {"audit"}),
                              makeScript("bbbb2222", {}, {"audit"})};
  try {
    RevisionGraph g(std::move(scripts));
    FAIL();
  } catch (const ScriptError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "Branch name 'audit' in revision bbbb2222 already used by revision aaaa1111"),
              std::string::npos);
  }
}

TEST(RevisionGraph, HandlesLongChains) {
  RevisionGraph g = test::linearGraph(50000);
  std::vector<char> all(g.size(), 1);
  EXPECT_EQ(g.newestFirst(all).size(), 50000u);
  EXPECT_EQ(g.heads().size(), 1u);
}

}  // namespace
}  // namespace retort::engine
