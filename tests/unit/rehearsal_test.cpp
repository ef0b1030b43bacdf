// The rehearsal's pure parts (engine/rehearsal): which backup may be reused, scratch database
// names and how leftovers are recognised, lock waits from samples, the budgets, and the report's
// `rehearsal` object within the termination message's 4 KiB.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/rehearsal/backup_choice.hpp"
#include "engine/rehearsal/scratch_name.hpp"
#include "engine/rehearsal/step_record.hpp"
#include "engine/revision/run_report.hpp"

namespace retort::engine::rehearsal {
namespace {

using std::chrono::seconds;

TEST(RehearsalAge, ParsesUnitsAndSums) {
  EXPECT_EQ(parseAge("24h"), seconds(86400));
  EXPECT_EQ(parseAge("1h30m"), seconds(5400));
  EXPECT_EQ(parseAge("2d"), seconds(172800));
  EXPECT_EQ(parseAge("45s"), seconds(45));
  EXPECT_FALSE(parseAge(""));
  EXPECT_FALSE(parseAge("24"));
  EXPECT_FALSE(parseAge("h"));
  EXPECT_FALSE(parseAge("3w"));
  EXPECT_FALSE(parseAge("-1h"));
}

TEST(RehearsalBackupChoice, NewestOfTheSameDatabaseAndHeadsWithinTheAge) {
  auto now = *parseBackupTime("2026-12-07T12:00:00.000Z");
  std::vector<BackupCandidate> candidates = {
      {"a.dump", "shop", {"r2", "r1"}, "2026-12-07T01:00:00.000Z"},     // same heads, other order
      {"b.dump", "shop", {"r1", "r2"}, "2026-12-07T09:00:00.000Z"},     // the newest that fits
      {"c.dump", "shop", {"r1"}, "2026-12-07T11:00:00.000Z"},           // other heads
      {"d.dump", "shop_eu", {"r1", "r2"}, "2026-12-07T11:30:00.000Z"},  // other database
      {"e.dump", "shop", {"r1", "r2"}, "2026-12-05T11:00:00.000Z"},     // too old
      {"f.dump", "shop", {"r1", "r2"}, "2026-12-07T13:00:00.000Z"},     // after now
      {"g.dump", "shop", {"r1", "r2"}, "yesterday"},                    // unreadable time
  };
  EXPECT_EQ(reusableBackups(candidates, "shop", {"r1", "r2"}, now, seconds(86400)),
            (std::vector<size_t>{1, 0}));
  EXPECT_TRUE(reusableBackups(candidates, "shop", {"r1", "r2"}, now, seconds(3600)).empty());
}

TEST(RehearsalScratchName, FitsAnIdentifierAndIsRecognisedOnlyForItsSource) {
  auto now = *parseBackupTime("2026-12-07T00:46:06.000Z");
  std::string name = scratchName("Shop-DB", now, "0123abcdef");
  EXPECT_EQ(name, "retort_rehearsal_shop_db_20261207t004606_0123abcd");
  EXPECT_TRUE(isScratchOf(name, "Shop-DB"));
  EXPECT_FALSE(isScratchOf(name, "shop"));
  EXPECT_FALSE(isScratchOf(scratchName("shop_eu", now, "00000000"), "shop"));
  EXPECT_FALSE(isScratchOf("retort_rehearsal_shop_db_", "Shop-DB"));
  EXPECT_FALSE(isScratchOf("shop_db", "Shop-DB"));
  std::string longName = scratchName(std::string(200, 'x'), now, "ffffffff");
  EXPECT_LE(longName.size(), kMaxIdentifierBytes);
  EXPECT_TRUE(isScratchOf(longName, std::string(200, 'x')));
}

TEST(RehearsalLockWaits, RunsOfSamplesBecomeWaitsThatAddUpPerLock) {
  using std::chrono::milliseconds;
  LockWaitTally tally(milliseconds(100));
  auto t = std::chrono::steady_clock::time_point{};
  LockWaitKey purchases{"relation", "AccessExclusiveLock", "purchases"};
  LockWaitKey tx{"transactionid", "ShareLock", ""};
  tally.sample(t, std::nullopt);
  tally.sample(t + milliseconds(100), purchases);
  tally.sample(t + milliseconds(200), purchases);
  tally.sample(t + milliseconds(300), purchases);  // 300 ms: 100..300 plus one interval
  tally.sample(t + milliseconds(400), tx);
  tally.sample(t + milliseconds(500), std::nullopt);
  tally.sample(t + milliseconds(600), purchases);  // still open at the last sample: 100 ms
  std::vector<LockWait> waits = tally.waits();
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_EQ(waits[0].key, purchases);
  EXPECT_NEAR(waits[0].seconds, 0.4, 1e-9);
  EXPECT_EQ(waits[1].key, tx);
  EXPECT_NEAR(waits[1].seconds, 0.1, 1e-9);
  EXPECT_EQ(describeLockWait(purchases), "AccessExclusiveLock on relation purchases");
}

std::vector<StepRecord> threeSteps() {
  std::vector<StepRecord> steps(3);
  steps[0] = {"r1", "versions/r1.sql", "upgrade", StepRecord::State::Succeeded, 0.5, 10, {}};
  steps[1] = {"r2",
              "versions/r2.sql",
              "upgrade",
              StepRecord::State::Succeeded,
              2.0,
              std::nullopt,
              {{{"relation", "ShareLock", "sweets"}, 1.5}}};
  steps[2] = {"r3", "versions/r3.sql", "upgrade", StepRecord::State::NotRun, 0, std::nullopt, {}};
  return steps;
}

TEST(RehearsalSteps, SlowestOfThoseThatRan) {
  EXPECT_EQ(slowestSteps(threeSteps(), 5), (std::vector<size_t>{1, 0}));
  EXPECT_EQ(slowestSteps(threeSteps(), 1), (std::vector<size_t>{1}));
}

TEST(RehearsalBudget, NamesTheStepWhereTheRunningTotalWentOver) {
  EXPECT_FALSE(checkBudget(threeSteps(), {}));
  EXPECT_FALSE(checkBudget(threeSteps(), {2.5, 1.5}));
  std::optional<BudgetBreach> time = checkBudget(threeSteps(), {2.0, 0.1});
  ASSERT_TRUE(time);  // time is checked first
  EXPECT_EQ(time->reason, "OverTimeBudget");
  EXPECT_EQ(time->step, 1u);
  EXPECT_NE(time->message.find("step 2 (r2, versions/r2.sql)"), std::string::npos) << time->message;
  std::optional<BudgetBreach> locks = checkBudget(threeSteps(), {std::nullopt, 1.0});
  ASSERT_TRUE(locks);
  EXPECT_EQ(locks->reason, "OverLockWaitBudget");
  EXPECT_NE(locks->message.find("budget of 1.0 s"), std::string::npos) << locks->message;
}

TEST(RehearsalSteps, TableHasALineAStepAndTotals) {
  std::string table = renderStepTable(threeSteps());
  EXPECT_NE(table.find("waited 1.500 s for ShareLock on relation sweets"), std::string::npos)
      << table;
  EXPECT_NE(table.find("not run"), std::string::npos) << table;
  EXPECT_NE(table.find("total"), std::string::npos) << table;
  EXPECT_NE(table.find("2.500"), std::string::npos) << table;
}

TEST(RehearsalReport, FitsTheTerminationMessageWithManySteps) {
  RunReport report;
  report.runId = "0123456789abcdef";
  report.outcome = "Succeeded";
  RunReport::Rehearsal r;
  r.scratchDatabase = "retort_rehearsal_shop_20261207t004606_0123abcd";
  for (int i = 0; i < 500; ++i) {
    r.slowestSteps.push_back({"rev" + std::to_string(i),
                              "versions/" + std::string(200, 'f') + std::to_string(i) + ".sql",
                              1.0 * i, i});
    r.lockWaits.push_back(
        {"rev" + std::to_string(i), "relation", "AccessExclusiveLock", std::string(300, 't'), 0.5});
  }
  r.lockWaitSeconds = 250;
  report.rehearsal = r;
  std::string text = renderRunReport(report);
  EXPECT_LE(text.size(), kRunReportLimit);
  nlohmann::json j = nlohmann::json::parse(text);
  ASSERT_TRUE(j.contains("rehearsal")) << text;
  EXPECT_LE(j["rehearsal"]["slowestSteps"].size(), 5u);
  EXPECT_EQ(j["rehearsal"]["lockWaitSeconds"], 250);
}

}  // namespace
}  // namespace retort::engine::rehearsal
