// Issue 9 (b): the Job controller applies a podFailurePolicy to a real container's exit code.
// The codes are the ones `retort` really returns (controller/cli/main.cpp, DESIGN.md section 5):
// 2 for an unknown command line argument (a usage error, permanent) and 1 for a database error
// of an Alembic command (here: nothing listens at the URI's port).
#include <gtest/gtest.h>

#include "e2e_environment.hpp"
#include "job_manifest.hpp"

namespace retort::e2e {
namespace {

const char* kFailJobOnUsageError =
    "- action: FailJob\n  onExitCodes: {containerName: main, operator: In, values: [2]}";

TEST(PodFailurePolicy, ExitCodeInFailJobRuleFailsAtOnce) {
  auto& e2e = E2e::get();
  const auto ns = e2e.createNamespace("failjob");
  JobSpec job(ns, "usage", e2e.retortImage, {"current", "--no-such-flag"});
  job.podFailurePolicy = kFailJobOnUsageError;
  job.backoffLimit = 3;
  std::string output;
  ASSERT_EQ(e2e.cluster->apply(jobManifest(job), &output), 0) << output;

  const auto conditions = waitForJobFinished(ns, "usage", 180);
  EXPECT_NE(conditions.find("Failed=True:PodFailurePolicy"), std::string::npos) << conditions;
  EXPECT_EQ(jsonpath(ns, "job", "usage", "{.status.failed}"), "1");  // no retry
  const auto pods = jobPods(ns, "usage");
  ASSERT_EQ(pods.size(), 1u);
  EXPECT_EQ(
      jsonpath(ns, "pod", pods[0], "{.status.containerStatuses[0].state.terminated.exitCode}"),
      "2");
}

TEST(PodFailurePolicy, OtherExitCodeIsRetried) {
  auto& e2e = E2e::get();
  const auto ns = e2e.createNamespace("retry");
  // The bridge address on a port nothing listens on: connection refused, exit 1.
  const std::string url = "postgresql://retort@" + e2e.cluster->host_ip() + ":9/postgres";
  JobSpec job(ns, "unreachable", e2e.retortImage, {"--url", url, "current"});
  job.podFailurePolicy = kFailJobOnUsageError;
  job.backoffLimit = 1;
  std::string output;
  ASSERT_EQ(e2e.cluster->apply(jobManifest(job), &output), 0) << output;

  const auto conditions = waitForJobFinished(ns, "unreachable", 240);
  EXPECT_NE(conditions.find("Failed=True:BackoffLimitExceeded"), std::string::npos) << conditions;
  EXPECT_EQ(jsonpath(ns, "job", "unreachable", "{.status.failed}"), "2");  // one retry
  for (const auto& pod : jobPods(ns, "unreachable")) {
    EXPECT_EQ(jsonpath(ns, "pod", pod, "{.status.containerStatuses[0].state.terminated.exitCode}"),
              "1")
        << pod;
  }
}

}  // namespace
}  // namespace retort::e2e
