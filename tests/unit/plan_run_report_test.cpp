// The run report stays within a Kubernetes termination message (4,096 bytes) whatever the
// plan's size, and keeps DESIGN.md section 5's field names.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/revision/run_report.hpp"
#include "engine/util/errors.hpp"

namespace retort::engine {
namespace {

TEST(RunReportTest, HasTheContractsFields) {
  RunReport r;
  r.runId = "job-1";
  r.outcome = "Failed";
  r.reason = "StepFailed";
  r.from = {"a"};
  r.failedStep = RunReport::FailedStep{"b", "versions/b.sql", "42P01", 5};
  r.backup = RunReport::Backup{"backups/x.dump", "abc", 12, 0.5};
  r.lockRetries = 3;
  nlohmann::json j = nlohmann::json::parse(renderRunReport(r));
  EXPECT_EQ(j["lockRetries"], 3);
  EXPECT_EQ(j["apiVersion"], "retort.dev/v1alpha1");
  EXPECT_EQ(j["kind"], "RunReport");
  EXPECT_EQ(j["failedStep"]["line"], 5);
  EXPECT_EQ(j["failedStep"]["sqlstate"], "42P01");
  EXPECT_EQ(j["backup"]["bytes"], 12);
  for (const char* key : {"runId", "outcome", "reason", "message", "from", "to", "target",
                          "direction", "steps", "planHash", "dataLoss", "lockRetries", "seconds"})
    EXPECT_TRUE(j.contains(key)) << key;
}

TEST(RunReportTest, HugePlansAreCutWithACount) {
  RunReport r;
  r.outcome = "Refused";
  r.message = std::string(10000, 'm');
  for (int i = 0; i < 500; ++i) {
    r.from.push_back("from_revision_" + std::to_string(i));
    r.to.push_back("to_revision_" + std::to_string(i));
    r.target.push_back("target_revision_" + std::to_string(i));
  }
  std::string text = renderRunReport(r);
  EXPECT_LE(text.size(), kRunReportLimit);
  nlohmann::json j = nlohmann::json::parse(text);
  std::string last = j["from"].back();
  EXPECT_NE(last.find("more"), std::string::npos) << last;
  EXPECT_EQ(j["outcome"], "Refused");
}

TEST(RunReportTest, InvalidUtf8IsEscapedNotFatal) {
  // nlohmann::json's dump throws on a string that is not UTF-8: the run then wrote no report.
  RunReport r;
  r.outcome = "Invalid";
  r.reason = "InvalidTarget";
  r.target = {"head\xff"};
  r.message = "target \"head\xff\xfe\" is not valid UTF-8; caf\xc3\xa9 stays";
  r.from = {"\xc3"};
  r.failedStep = RunReport::FailedStep{"r\x80", "versions/\xe9.sql", "", 0};
  std::string text;
  ASSERT_NO_THROW(text = renderRunReport(r));
  nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_EQ(j["target"][0], "head\\xff");
  EXPECT_EQ(j["message"], "target \"head\\xff\\xfe\" is not valid UTF-8; caf\xc3\xa9 stays");
  EXPECT_EQ(j["from"][0], "\\xc3");
  EXPECT_EQ(j["failedStep"]["revision"], "r\\x80");
  EXPECT_EQ(j["failedStep"]["file"], "versions/\\xe9.sql");
}

TEST(RunReportTest, ControlBytesStayJsonEscaped) {
  RunReport r;
  r.target = {std::string("head\x01\0", 6)};
  nlohmann::json j = nlohmann::json::parse(renderRunReport(r));
  EXPECT_EQ(j["target"][0], std::string("head\x01\0", 6));
}

TEST(RunReportTest, OutcomesFollowExitCodes) {
  EXPECT_EQ(outcomeFor(RunExit::Refused), "Refused");
  EXPECT_EQ(outcomeFor(RunExit::BackupFailed), "BackupFailed");
  EXPECT_EQ(outcomeFor(RunExit::Transient), "Transient");
  EXPECT_EQ(outcomeFor(RunExit::Invalid), "Invalid");
  EXPECT_EQ(outcomeFor(RunExit::StepFailed), "Failed");
}

}  // namespace
}  // namespace retort::engine
