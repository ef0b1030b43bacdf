#include "engine/revision/revision_resolver.hpp"

#include <gtest/gtest.h>

#include "engine/revision/revision_errors.hpp"
#include "engine/revision/version_heads.hpp"
#include "engine/util/errors.hpp"
#include "example_graph.hpp"

namespace retort::engine {
namespace {

class ResolverTest : public ::testing::Test {
 protected:
  RevisionGraph graph = test::alembicExampleGraph();
  RevisionResolver resolver{graph};

  std::vector<std::string> ids(const RevisionSet& set) const {
    std::vector<std::string> out;
    for (RevisionIndex i : set) out.push_back(graph.id(i));
    return out;
  }
  std::string one(const std::string& id) const { return graph.id(resolver.getRevision(id)); }

  // The CLI's text for a revision error raised by `body`.
  template <typename Body>
  std::string commandError(Body body, RevisionErrorTexts texts = {}) {
    try {
      translateRevisionErrors(texts, [&] {
        body();
        return 0;
      });
    } catch (const CommandError& e) {
      return e.what();
    }
    return "(no error)";
  }

  // Runs an upgrade or downgrade plan through the version-table bookkeeping.
  std::vector<std::string> rowsAfter(std::vector<std::string> rows,
                                     const RevisionResolver::Plan& plan, bool upgrade) {
    VersionHeads heads(graph, rows);
    for (RevisionIndex i : plan.order) {
      MigrationStep step;
      step.kind = upgrade ? MigrationStep::Kind::Upgrade : MigrationStep::Kind::Downgrade;
      step.revision = i;
      heads.advance(step);
    }
    std::vector<std::string> out = heads.rows();
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(ResolverTest, ResolvesFullAndPartialIds) {
  EXPECT_EQ(one("aaaa1111"), "aaaa1111");
  EXPECT_EQ(one("aaa"), "aaaa1111");
  EXPECT_EQ(one("a"), "aaaa1111");
  EXPECT_EQ(resolver.getRevision("base"), kNoRevision);
  EXPECT_TRUE(resolver.getRevisions("base").empty());
}

TEST_F(ResolverTest, AmbiguousAndUnknownPrefixesBecomeCantLocate) {
  try {
    resolver.getRevision("ffff");
    FAIL();
  } catch (const ResolutionError& e) {
    EXPECT_EQ(std::string(e.what()),
              "Multiple revisions start with 'ffff': 'ffff0001', 'ffff0002'...");
  }
  EXPECT_EQ(commandError([&] { resolver.getRevisions("ffff"); }),
            "Can't locate revision identified by 'ffff'");
  EXPECT_EQ(commandError([&] { resolver.getRevisions("zzzz"); }),
            "Can't locate revision identified by 'zzzz'");
}

TEST_F(ResolverTest, HeadsHeadAndLabels) {
  EXPECT_EQ(ids(resolver.getRevisions("heads")),
            (std::vector<std::string>{"eeee5555", "ffff0002"}));
  EXPECT_EQ(one("audit@head"), "ffff0002");
  EXPECT_EQ(ids(resolver.getRevisions("audit@-1")), (std::vector<std::string>{"ffff0001"}));
  EXPECT_EQ(ids(resolver.getRevisions("audit@heads")), (std::vector<std::string>{"ffff0002"}));
  EXPECT_EQ(commandError([&] { resolver.getRevisions("audit@aaaa"); }),
            "Can't locate revision identified by 'aaaa'");
}

TEST_F(ResolverTest, HeadWithTwoHeadsIsMultipleHeads) {
  RevisionErrorTexts texts;
  texts.end = "head";
  EXPECT_EQ(commandError([&] { resolver.upgradePlan({}, "head"); }, texts),
            "Multiple head revisions are present for given argument 'head'; please specify a "
            "specific target "
            "revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads");
}

TEST_F(ResolverTest, UpgradeHeadsFromEmptyLeavesOneRowPerRealHead) {
  auto plan = resolver.upgradePlan({}, "heads");
  EXPECT_EQ(plan.order.size(), 7u);
  EXPECT_EQ(graph.id(plan.order.front()), "aaaa1111");
  EXPECT_EQ(rowsAfter({}, plan, true), (std::vector<std::string>{"eeee5555", "ffff0002"}));
}

TEST_F(ResolverTest, UpgradeRunsParentsBeforeChildren) {
  auto plan = resolver.upgradePlan({}, "heads");
  std::vector<size_t> position(graph.size());
  for (size_t k = 0; k < plan.order.size(); ++k) position[plan.order[k]] = k;
  for (RevisionIndex i : plan.order) {
    for (RevisionIndex p : graph.normalizedParents(i)) EXPECT_LT(position[p], position[i]);
  }
}

TEST_F(ResolverTest, DowngradeKeepsRevisionsThatOnlyDependOnTheTarget) {
  auto plan = resolver.downgradePlan({"eeee5555", "ffff0002"}, "bbbb2222");
  EXPECT_EQ(ids(plan.order), (std::vector<std::string>{"eeee5555", "cccc3333", "dddd4444"}));
  EXPECT_EQ(rowsAfter({"eeee5555", "ffff0002"}, plan, false),
            (std::vector<std::string>{"ffff0002"}));
}

TEST_F(ResolverTest, DowngradeToBaseRemovesEverything) {
  auto plan = resolver.downgradePlan({"eeee5555", "ffff0002"}, "base");
  EXPECT_EQ(plan.order.size(), 7u);
  EXPECT_TRUE(rowsAfter({"eeee5555", "ffff0002"}, plan, false).empty());
}

TEST_F(ResolverTest, MergeFromOneBranchInsertsTheOtherThenMerges) {
  auto plan = resolver.upgradePlan({"cccc3333"}, "eeee5555");
  EXPECT_EQ(ids(plan.order), (std::vector<std::string>{"dddd4444", "eeee5555"}));
  VersionHeads heads(graph, {"cccc3333"});
  MigrationStep step;
  step.revision = graph.find("dddd4444");
  auto first = heads.advance(step);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].op, VersionChange::Op::Insert);
  step.revision = graph.find("eeee5555");
  auto merge = heads.advance(step);
  ASSERT_EQ(merge.size(), 2u);
  EXPECT_EQ(merge[0].op, VersionChange::Op::Delete);
  EXPECT_EQ(merge[1].op, VersionChange::Op::Update);
  EXPECT_EQ(heads.rows(), (std::vector<std::string>{"eeee5555"}));
}

TEST_F(ResolverTest, UnmergeRestoresBothParents) {
  auto plan = resolver.downgradePlan({"eeee5555"}, "bbbb2222");
  EXPECT_EQ(rowsAfter({"eeee5555"}, plan, false), (std::vector<std::string>{"bbbb2222"}));
  auto partial = resolver.downgradePlan({"eeee5555"}, "cccc3333");
  EXPECT_EQ(rowsAfter({"eeee5555"}, partial, false),
            (std::vector<std::string>{"cccc3333", "dddd4444"}));
}

TEST_F(ResolverTest, UpgradingToAnAncestorIsANoOp) {
  EXPECT_TRUE(resolver.upgradePlan({"cccc3333"}, "aaaa1111").order.empty());
  EXPECT_TRUE(resolver.downgradePlan({"cccc3333"}, "cccc3333").order.empty());
}

TEST_F(ResolverTest, RelativeMovesAndTheirErrors) {
  EXPECT_EQ(ids(resolver.upgradePlan({"aaaa1111"}, "+1").order),
            (std::vector<std::string>{"bbbb2222"}));
  EXPECT_EQ(commandError([&] { resolver.upgradePlan({"eeee5555"}, "+1"); }),
            "Relative revision +1 didn't produce 1 migrations");
  EXPECT_EQ(commandError([&] { resolver.downgradePlan({"bbbb2222"}, "-5"); }),
            "Relative revision -5 didn't produce 5 migrations");
  EXPECT_EQ(commandError([&] { resolver.downgradePlan({"bbbb2222"}, "+1"); }),
            "Relative revision +1 didn't produce 1 migrations");
  EXPECT_EQ(commandError([&] { resolver.upgradePlan({"bbbb2222"}, "-1"); }),
            "Relative revision -1 didn't produce 1 migrations");
  EXPECT_EQ(commandError([&] { resolver.upgradePlan({}, "aaaa1111+2"); }), "Ambiguous walk");
  EXPECT_EQ(commandError([&] { resolver.downgradePlan({"eeee5555"}, "-1"); }), "Ambiguous walk");
  EXPECT_EQ(ids(resolver.downgradePlan({"bbbb2222"}, "-2").order),
            (std::vector<std::string>{"bbbb2222", "aaaa1111"}));
}

TEST_F(ResolverTest, RelativeUpgradeOnABranchWithoutCurrentHeadStartsAtItsBase) {
  EXPECT_EQ(ids(resolver.upgradePlan({"eeee5555"}, "audit@+1").order),
            (std::vector<std::string>{"ffff0001"}));
}

TEST_F(ResolverTest, RelativeToASymbol) {
  EXPECT_EQ(ids(resolver.parseUpgradeTarget({}, "aaaa1111+1")),
            (std::vector<std::string>{"bbbb2222"}));
  EXPECT_EQ(ids(resolver.parseUpgradeTarget({}, "audit@head-1")),
            (std::vector<std::string>{"ffff0001"}));
  EXPECT_EQ(commandError([&] { resolver.parseUpgradeTarget({}, "ffff0002+1"); }), "Walked too far");
}

TEST_F(ResolverTest, DowngradeMinusOneFromSeveralHeadsWarns) {
  auto plan = resolver.downgradePlan({"cccc3333", "dddd4444"}, "-1");
  ASSERT_EQ(resolver.warnings().size(), 1u);
  EXPECT_EQ(resolver.warnings()[0],
            "downgrade -1 from multiple heads is ambiguous; this usage will be disallowed in a "
            "future release.");
  EXPECT_EQ(ids(plan.order), (std::vector<std::string>{"cccc3333"}));
}

TEST_F(ResolverTest, DowngradeToANonAncestorFails) {
  RevisionErrorTexts texts;
  texts.end = "dddd4444";
  texts.ancestor = "Destination %(end)s is not a valid downgrade target from current head(s)";
  EXPECT_EQ(commandError([&] { resolver.downgradePlan({"cccc3333"}, "dddd4444"); }, texts),
            "Destination dddd4444 is not a valid downgrade target from current head(s)");
}

TEST_F(ResolverTest, UnknownDatabaseRowIsCantLocate) {
  EXPECT_EQ(commandError([&] { resolver.upgradePlan({"feedface0000"}, "heads"); }),
            "Can't locate revision identified by 'feedface0000'");
}

TEST_F(ResolverTest, CurrentShowsBranchHeadsOfWhatIsApplied) {
  EXPECT_EQ(ids(resolver.allCurrent({"ffff0002"})),
            (std::vector<std::string>{"bbbb2222", "ffff0002"}));
  EXPECT_EQ(ids(resolver.allCurrent({"eeee5555"})), (std::vector<std::string>{"eeee5555"}));
}

TEST_F(ResolverTest, HistoryRangesAndTheirErrors) {
  EXPECT_EQ(ids(resolver.walkRevisions({"bbbb2222"}, {"eeee5555"})).size(), 4u);
  EXPECT_EQ(commandError([&] { resolver.walkRevisions({"cccc3333"}, {"aaaa1111"}); }),
            "Requested range cccc3333:aaaa1111 does not refer to ancestor/descendant revisions "
            "along the same branch");
}

TEST_F(ResolverTest, RelativeCountsBeyondAnIntNameTheTarget) {
  // Each was the bare text "stoi" (or "stol") of an escaping std::out_of_range.
  EXPECT_EQ(commandError([&] { resolver.upgradePlan({"aaaa1111"}, "head-99999999999999999999"); }),
            "relative revision \"head-99999999999999999999\": the number is too large (at most "
            "2147483647 steps)");
  EXPECT_EQ(commandError([&] { resolver.upgradePlan({"aaaa1111"}, "+99999999999999999999"); }),
            "relative revision \"+99999999999999999999\": the number is too large (at most "
            "2147483647 steps)");
  EXPECT_EQ(
      commandError([&] { resolver.downgradePlan({"bbbb2222"}, "-99999999999999999999"); }),
      "relative revision \"-99999999999999999999\": the number is too large (at most 2147483647 "
      "steps)");
  // Fits a long but not the walk's int: once silently truncated by a cast.
  EXPECT_NE(commandError([&] { resolver.getRevisions("-3000000000"); }).find("too large"),
            std::string::npos);
  // INT_MIN itself cannot be negated by the walk.
  EXPECT_NE(commandError([&] {
              resolver.upgradePlan({"bbbb2222"}, "head-2147483648");
            }).find("too large"),
            std::string::npos);
  EXPECT_EQ(commandError([&] { resolver.downgradePlan({"bbbb2222"}, "-2147483647"); }),
            "Relative revision -2147483647 didn't produce 2147483647 migrations");
}

TEST(RelativeTarget, ParsesAlembicsGrammar) {
  auto r = parseRelativeTarget("audit@head-2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->branchLabel, "audit");
  EXPECT_EQ(r->symbol, "head");
  EXPECT_EQ(r->relative, -2);
  EXPECT_FALSE(parseRelativeTarget("aaaa1111"));
  EXPECT_EQ(parseRelativeTarget("+3")->relative, 3);
  EXPECT_THROW(parseRelativeTarget("head+99999999999999999999"), RevisionError);
}

}  // namespace
}  // namespace retort::engine
