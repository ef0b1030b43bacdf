// The gates (gates.hpp) through decide(): the plan-only Job, the published plan, the order
// mode -> window -> promotion -> approval, what each waits for, when it looks again, stale
// approvals and a plan that changed between approval and apply. Times are fixed RFC 3339
// instants: no wall clock.
#include <gtest/gtest.h>

#include <algorithm>

#include "operator/schema_version/conditions.hpp"
#include "operator/schema_version/decide.hpp"
#include "operator/schema_version/plan_publication.hpp"

namespace retort::op {
namespace {

using nlohmann::json;

constexpr const char* kHash =
    "sha256:1111111111111111111111111111111111111111111111111111111111111111";
constexpr const char* kOtherHash =
    "sha256:2222222222222222222222222222222222222222222222222222222222222222";

SchemaVersion gated() {
  SchemaVersion sv;
  sv.name = "sweetshop";
  sv.ns = "prod";
  sv.uid = "uid-1";
  sv.generation = 1;
  sv.spec.targetRevision = "2a3b7c4d5e07";
  sv.spec.database = {"sweetshop-db", "uri"};
  sv.spec.migrations.image = "localhost/retort-sweetshop:0.2.0";
  sv.spec.backup.claimName = "backups";
  sv.spec.approval.required = true;
  return sv;
}

std::string conditionOf(const SchemaVersionStatus& status, const char* type) {
  const Condition* c = findCondition(status.conditions, type);
  return c ? c->status + "/" + c->reason : "(none)";
}

std::string messageOf(const SchemaVersionStatus& status, const char* type) {
  const Condition* c = findCondition(status.conditions, type);
  return c ? c->message : "";
}

std::vector<std::string> argsOf(const json& job) {
  return job["spec"]["template"]["spec"]["containers"][0]["args"];
}

bool has(const std::vector<std::string>& args, const std::string& flag) {
  return std::find(args.begin(), args.end(), flag) != args.end();
}

JobObservation planSucceeded(const std::string& name, const char* hash = kHash) {
  JobObservation job;
  job.name = name;
  job.phase = JobPhase::Succeeded;
  RunReport report;
  report.outcome = "Planned";
  report.reason = "Planned";
  report.message = "2 step(s) planned";
  report.from = {};
  report.to = {"2a3b7c4d5e07"};
  report.target = {"2a3b7c4d5e07"};
  report.direction = "upgrade";
  report.steps = 2;
  report.planHash = hash;
  report.planSteps = {"1f0e2d3c4b01 versions/1f0e_users.sql (upgrade)",
                      "2a3b7c4d5e07 versions/2a3b_sweets.sql (upgrade), data loss"};
  job.report = report;
  job.reason = "Planned";
  return job;
}

struct Pass {
  Decision decision;
  std::string jobName;
};

// One reconcile: the Job the reconciler would look up is given when `jobs` knows it.
Decision pass(SchemaVersion& sv, const std::optional<JobObservation>& job, const std::string& now,
              std::vector<PromotionSourceState> sources = {}) {
  Observation observed{sv, job, std::nullopt, now};
  observed.promotionSources = std::move(sources);
  Decision d = decide(observed);
  sv.status = d.status;
  return d;
}

// Up to the published plan: the plan-only Job created, then its success observed.
Decision planned(SchemaVersion& sv, const std::string& now, const char* hash = kHash) {
  const Decision first = pass(sv, std::nullopt, now);
  EXPECT_TRUE(first.createJob);
  return pass(sv, planSucceeded(first.jobName, hash), now);
}

TEST(OperatorGates, ApprovalRunsAPlanOnlyJobPublishesThePlanAndWaits) {
  SchemaVersion sv = gated();
  const Decision first = pass(sv, std::nullopt, "2026-12-06T10:00:00Z");
  ASSERT_TRUE(first.createJob);
  EXPECT_TRUE(first.jobName.ends_with("-plan")) << first.jobName;
  EXPECT_TRUE(has(argsOf(*first.createJob), "--plan-only"));
  EXPECT_EQ(conditionOf(first.status, condition::kReconciling), "True/Planning");
  EXPECT_EQ(currentMoveJobName(sv, std::nullopt), first.jobName);

  const Decision d = pass(sv, planSucceeded(first.jobName), "2026-12-06T10:00:10Z");
  EXPECT_FALSE(d.createJob);
  ASSERT_TRUE(d.publishPlan);
  EXPECT_EQ((*d.publishPlan)["metadata"]["name"], "sweetshop-plan");
  EXPECT_EQ((*d.publishPlan)["metadata"]["ownerReferences"][0]["uid"], "uid-1");
  EXPECT_EQ((*d.publishPlan)["data"]["hash"], kHash);
  const std::string text = (*d.publishPlan)["data"]["plan.txt"];
  EXPECT_NE(text.find("2a3b7c4d5e07 versions/2a3b_sweets.sql (upgrade), data loss"),
            std::string::npos)
      << text;
  ASSERT_TRUE(d.status.plan);
  EXPECT_EQ(d.status.plan->hash, kHash);
  EXPECT_EQ(d.status.plan->configMap, "sweetshop-plan");
  EXPECT_EQ(conditionOf(d.status, condition::kReconciling), "True/AwaitingApproval");
  EXPECT_EQ(conditionOf(d.status, condition::kReady), "False/AwaitingApproval");
  EXPECT_EQ(conditionOf(d.status, condition::kStalled), "False/AwaitingApproval");
  EXPECT_NE(messageOf(d.status, condition::kReady).find(std::string("plan ") + kHash),
            std::string::npos);
  EXPECT_NE(messageOf(d.status, condition::kReady).find("kubectl retort approve sweetshop -n prod"),
            std::string::npos);
  ASSERT_TRUE(d.status.gate);
  EXPECT_EQ(d.status.gate->name, "Approval");
  EXPECT_EQ(d.status.gate->since, "2026-12-06T10:00:10Z");
  EXPECT_FALSE(d.requeueAfter);  // only an approval (a change of the object) opens it
  std::vector<std::string> reasons;
  for (const EventToRecord& event : d.events) reasons.push_back(event.reason);
  EXPECT_EQ(reasons, (std::vector<std::string>{"Planned", "AwaitingApproval"}));
  // The apply Job is now the move's Job; waiting again is no new Event and keeps `since`.
  EXPECT_FALSE(currentMoveJobName(sv, std::nullopt).ends_with("-plan"));
  const Decision again = pass(sv, std::nullopt, "2026-12-06T10:05:00Z");
  EXPECT_TRUE(again.events.empty());
  EXPECT_EQ(again.status.gate->since, "2026-12-06T10:00:10Z");
  EXPECT_FALSE(again.createJob);
}

TEST(OperatorGates, APlanJobSeenCompleteBeforeItsReportIsWaitedFor) {
  SchemaVersion sv = gated();
  const Decision first = pass(sv, std::nullopt, "2026-12-06T10:00:00Z");
  JobObservation early = planSucceeded(first.jobName);
  early.report.reset();
  Decision d = pass(sv, early, "2026-12-06T10:00:05Z");
  EXPECT_EQ(conditionOf(d.status, condition::kReconciling), "True/Planning");
  EXPECT_FALSE(d.status.plan);
  EXPECT_EQ(d.requeueAfter, std::chrono::seconds(2));
  d = pass(sv, planSucceeded(first.jobName), "2026-12-06T10:00:06Z");
  EXPECT_EQ(conditionOf(d.status, condition::kReconciling), "True/AwaitingApproval");
}

TEST(OperatorGates, APlanThePolicyWouldRefuseStallsWithoutAskingForApproval) {
  SchemaVersion sv = gated();
  const Decision first = pass(sv, std::nullopt, "2026-12-06T10:00:00Z");
  JobObservation refused = planSucceeded(first.jobName);
  refused.report->reason = "DowngradeNotAllowed";
  refused.report->message = "policy would refuse: a downgrade";
  const Decision d = pass(sv, refused, "2026-12-06T10:00:05Z");
  EXPECT_EQ(conditionOf(d.status, condition::kStalled), "True/DowngradeNotAllowed");
  EXPECT_FALSE(d.createJob);
  EXPECT_FALSE(pass(sv, refused, "2026-12-06T10:01:00Z").createJob);
}

TEST(OperatorGates, TheApprovedHashByAnnotationOrSpecRunsExactlyThatPlan) {
  for (const bool bySpec : {false, true}) {
    SchemaVersion sv = gated();
    planned(sv, "2026-12-06T10:00:00Z");
    if (bySpec)
      sv.spec.approval.approvedPlan = kHash;
    else
      sv.approvedPlanAnnotation = kHash;
    const Decision d = pass(sv, std::nullopt, "2026-12-06T10:01:00Z");
    ASSERT_TRUE(d.createJob) << bySpec;
    const std::vector<std::string> args = argsOf(*d.createJob);
    EXPECT_FALSE(has(args, "--plan-only"));
    const auto expect = std::find(args.begin(), args.end(), "--expect-plan");
    ASSERT_NE(expect, args.end());
    EXPECT_EQ(*(expect + 1), kHash);
    EXPECT_FALSE(d.status.gate);
    EXPECT_EQ(d.events.front().reason, "GatesOpen");
    EXPECT_EQ(conditionOf(d.status, condition::kReconciling), "True/Migrating");
  }
}

TEST(OperatorGates, TheGateIsClearedEvenWhenThePassThatOpenedItWroteNoStatus) {
  SchemaVersion sv = gated();
  planned(sv, "2026-12-06T10:00:00Z");
  sv.approvedPlanAnnotation = kHash;
  const SchemaVersionStatus waiting = sv.status;
  const Decision open = pass(sv, std::nullopt, "2026-12-06T10:01:00Z");
  ASSERT_TRUE(open.createJob);
  sv.status = waiting;  // that status write was lost (a 409); the Job exists
  JobObservation running;
  running.name = open.jobName;
  const Decision d = pass(sv, running, "2026-12-06T10:01:05Z");
  EXPECT_FALSE(d.status.gate);
  EXPECT_EQ(conditionOf(d.status, condition::kReconciling), "True/Migrating");
}

TEST(OperatorGates, AnApprovalOfAnotherHashIsStaleNotUsed) {
  SchemaVersion sv = gated();
  planned(sv, "2026-12-06T10:00:00Z");
  sv.approvedPlanAnnotation = kOtherHash;
  const Decision d = pass(sv, std::nullopt, "2026-12-06T10:01:00Z");
  EXPECT_FALSE(d.createJob);
  EXPECT_EQ(conditionOf(d.status, condition::kReconciling), "True/AwaitingApproval");
  const std::string message = messageOf(d.status, condition::kReconciling);
  EXPECT_NE(message.find(std::string("the approval names ") + kOtherHash + ", which is stale"),
            std::string::npos)
      << message;
}

TEST(OperatorGates, APlanThatChangedBeforeApplyIsPlannedAndAskedForAgain) {
  SchemaVersion sv = gated();
  planned(sv, "2026-12-06T10:00:00Z");
  sv.approvedPlanAnnotation = kHash;
  const Decision apply = pass(sv, std::nullopt, "2026-12-06T10:01:00Z");
  ASSERT_TRUE(apply.createJob);
  JobObservation refused;
  refused.name = apply.jobName;
  refused.phase = JobPhase::FailedPermanent;
  refused.reason = "PlanMismatch";
  refused.message = std::string("the plan's hash is ") + kOtherHash + ", not the expected " + kHash;
  RunReport report;
  report.outcome = "Refused";
  report.reason = "PlanMismatch";
  report.message = refused.message;
  refused.report = report;
  const Decision d = pass(sv, refused, "2026-12-06T10:02:00Z");
  EXPECT_EQ(d.status.planAttempt, 1);
  EXPECT_EQ(conditionOf(d.status, condition::kStalled), "False/PlanChanged");
  EXPECT_EQ(d.events.at(0).reason, "PlanChanged");
  // A new plan-only Job, under a new name; its plan needs a new approval.
  const Decision replan = pass(sv, std::nullopt, "2026-12-06T10:02:01Z");
  ASSERT_TRUE(replan.createJob);
  EXPECT_TRUE(replan.jobName.ends_with("-plan"));
  EXPECT_NE(replan.jobName, apply.jobName);
  const Decision waiting =
      pass(sv, planSucceeded(replan.jobName, kOtherHash), "2026-12-06T10:03:00Z");
  EXPECT_FALSE(waiting.createJob);
  EXPECT_EQ(conditionOf(waiting.status, condition::kReconciling), "True/AwaitingApproval");
  EXPECT_NE(messageOf(waiting.status, condition::kReconciling).find("stale"), std::string::npos);
}

TEST(OperatorGates, PlanModeNeverApplies) {
  SchemaVersion sv = gated();
  sv.spec.approval.required = false;
  sv.spec.mode = Mode::Plan;
  const Decision d = planned(sv, "2026-12-06T10:00:00Z");
  EXPECT_FALSE(d.createJob);
  ASSERT_TRUE(d.publishPlan);
  EXPECT_EQ(conditionOf(d.status, condition::kReconciling), "True/PlanOnly");
  EXPECT_EQ(d.status.gate->name, "Mode");
  // Even approved, a Plan-mode object does not move the database.
  sv.approvedPlanAnnotation = kHash;
  EXPECT_FALSE(pass(sv, std::nullopt, "2026-12-06T11:00:00Z").createJob);
}

TEST(OperatorGates, APlanWithNothingToDoIsReadyWithoutApproval) {
  SchemaVersion sv = gated();
  sv.status.currentRevisions = {"2a3b7c4d5e07"};
  const Decision first = pass(sv, std::nullopt, "2026-12-06T10:00:00Z");
  JobObservation job = planSucceeded(first.jobName);
  job.report->from = {"2a3b7c4d5e07"};
  job.report->steps = 0;
  job.report->direction = "none";
  const Decision d = pass(sv, job, "2026-12-06T10:00:10Z");
  EXPECT_FALSE(d.createJob);
  EXPECT_EQ(conditionOf(d.status, condition::kReady), "True/UpToDate");
}

TEST(OperatorGates, AWindowInThePastWaitsUntilTheNextOneOpens) {
  SchemaVersion sv = gated();
  sv.spec.approval.required = false;
  // Sundays 02:00 for 2h, UTC; 2026-12-06 is a Sunday.
  sv.spec.windows =
      windowsFromJson(json::parse(R"([{"days":["Sun"],"start":"02:00","duration":"2h"}])"));
  Decision d = pass(sv, std::nullopt, "2026-12-06T10:00:00Z");
  EXPECT_FALSE(d.createJob);
  EXPECT_EQ(conditionOf(d.status, condition::kReconciling), "True/OutsideWindow");
  EXPECT_EQ(d.status.nextWindowStart, "2026-12-13T02:00:00Z");
  EXPECT_NE(
      messageOf(d.status, condition::kReconciling).find("the next opens at 2026-12-13T02:00:00Z"),
      std::string::npos);
  EXPECT_EQ(d.requeueAfter, std::chrono::hours(24 * 6 + 16));
  // Inside the next window it moves, without a plan (nothing here plans first).
  d = pass(sv, std::nullopt, "2026-12-13T02:30:00Z");
  ASSERT_TRUE(d.createJob);
  EXPECT_FALSE(d.jobName.ends_with("-plan"));
  EXPECT_FALSE(has(argsOf(*d.createJob), "--expect-plan"));
  EXPECT_EQ(d.events.front().reason, "GatesOpen");
}

TEST(OperatorGates, PromotionWaitsForTheSourceToBeReadyAtTheSameIdsForReadyFor) {
  SchemaVersion sv = gated();
  sv.spec.approval.required = false;
  sv.spec.promotionAfter = {{"staging", "sweetshop", std::chrono::hours(1)}};
  planned(sv, "2026-12-06T10:00:00Z");
  PromotionSourceState staging{"staging",       "sweetshop", "", true, "2026-12-06T09:30:00Z",
                               {"1f0e2d3c4b01"}};
  Decision d = pass(sv, std::nullopt, "2026-12-06T10:00:00Z", {staging});
  EXPECT_EQ(conditionOf(d.status, condition::kReconciling), "True/WaitingForPromotion");
  EXPECT_NE(messageOf(d.status, condition::kReconciling)
                .find("staging/sweetshop is Ready at 1f0e2d3c4b01, not Ready at 2a3b7c4d5e07"),
            std::string::npos)
      << messageOf(d.status, condition::kReconciling);
  EXPECT_EQ(d.requeueAfter, std::chrono::seconds(30));

  staging.currentRevisions = {"2a3b7c4d5e07"};
  staging.readySince = "2026-12-06T09:59:50Z";
  d = pass(sv, std::nullopt, "2026-12-06T10:00:00Z", {staging});
  EXPECT_FALSE(d.createJob);
  EXPECT_NE(
      messageOf(d.status, condition::kReconciling).find("needs 1h (until 2026-12-06T10:59:50Z)"),
      std::string::npos)
      << messageOf(d.status, condition::kReconciling);

  staging.problem = "not found";
  d = pass(sv, std::nullopt, "2026-12-06T11:00:00Z", {staging});
  EXPECT_NE(messageOf(d.status, condition::kReconciling).find("staging/sweetshop not found"),
            std::string::npos);
  staging.problem.clear();
  d = pass(sv, std::nullopt, "2026-12-06T11:00:00Z", {staging});
  ASSERT_TRUE(d.createJob);
  EXPECT_TRUE(has(argsOf(*d.createJob), "--expect-plan"));
}

TEST(OperatorGates, TheFirstClosedGateInOrderIsTheOneWaitedOn) {
  SchemaVersion sv = gated();  // approval required
  sv.spec.promotionAfter = {{"", "staging-shop", std::chrono::seconds(0)}};
  sv.spec.windows = windowsFromJson(json::parse(R"([{"start":"02:00","duration":"1h"}])"));
  sv.spec.mode = Mode::Plan;
  planned(sv, "2026-12-06T10:00:00Z");
  const PromotionSourceState missing{"prod", "staging-shop", "not found", false, "", {}};
  const auto gateAt = [&](const std::string& now) {
    return pass(sv, std::nullopt, now, {missing}).status.gate->name;
  };
  EXPECT_EQ(gateAt("2026-12-06T10:00:00Z"), "Mode");
  sv.spec.mode = Mode::Apply;
  EXPECT_EQ(gateAt("2026-12-06T10:00:00Z"), "Window");
  EXPECT_EQ(gateAt("2026-12-07T02:10:00Z"), "Promotion");
  sv.spec.promotionAfter.clear();
  EXPECT_EQ(gateAt("2026-12-07T02:10:00Z"), "Approval");
}

TEST(OperatorGates, ADriftRepairPassesTheSameGates) {
  SchemaVersion sv = gated();
  sv.status.observedGeneration = 1;
  sv.status.currentRevisions = {"2a3b7c4d5e07"};
  sv.status.targetRevisions = {"2a3b7c4d5e07"};
  sv.status.lastRun = LastRun{"sweetshop-g1-old", "t", "t", "Succeeded", "Migrated", ""};
  Decision d =
      decide({sv, std::nullopt, DriftObservation{{"1f0e2d3c4b01"}, ""}, "2026-12-06T10:00:00Z"});
  sv.status = d.status;
  ASSERT_TRUE(d.createJob);
  EXPECT_TRUE(d.jobName.ends_with("-plan"));  // planned first, not applied at once
}

// The rehearsal gate (spec.rehearsal): a move that plans, rehearses the plan's hash on a restored
// copy in a Job of its own, and applies only after that rehearsal succeeded.
SchemaVersion rehearsed(bool approval = false) {
  SchemaVersion sv = gated();
  sv.spec.approval.required = approval;
  sv.spec.rehearsal.required = true;
  sv.spec.rehearsal.scratchDatabase = {"scratch-db", "uri"};
  sv.spec.rehearsal.maxAge = std::chrono::hours(24);
  sv.spec.rehearsal.maxSeconds = 30;
  return sv;
}

JobObservation rehearsalSucceeded(const std::string& name, const char* hash = kHash) {
  JobObservation job;
  job.name = name;
  job.phase = JobPhase::Succeeded;
  RunReport report;
  report.outcome = "Succeeded";
  report.reason = "Rehearsed";
  report.message = "2 step(s) rehearsed on a restored copy; the database was not touched";
  report.planHash = hash;
  report.rehearsal =
      RehearsalReport{2.5, 1.5, "2a3b7c4d5e07", "versions/2a3b_sweets.sql", 1.2, 0.3};
  job.report = report;
  job.reason = "Rehearsed";
  job.message = report.message;
  return job;
}

std::string envOf(const json& job, const std::string& name) {
  for (const json& var : job["spec"]["template"]["spec"]["containers"][0]["env"])
    if (var["name"] == name) return var.dump();
  return "";
}

std::vector<std::string> reasonsOf(const Decision& d) {
  std::vector<std::string> reasons;
  for (const EventToRecord& event : d.events) reasons.push_back(event.reason);
  return reasons;
}

TEST(OperatorGates, TheRehearsalRunsAfterThePlanAndTheMoveAfterTheRehearsal) {
  SchemaVersion sv = rehearsed();
  const Decision first = pass(sv, std::nullopt, "2026-12-06T10:00:00Z");
  ASSERT_TRUE(first.createJob);
  EXPECT_TRUE(first.jobName.ends_with("-plan")) << first.jobName;

  // The plan recorded: the rehearsal Job of exactly that hash, with the scratch server's URL from
  // its Secret (never a flag) and the budgets.
  const Decision d = pass(sv, planSucceeded(first.jobName), "2026-12-06T10:00:10Z");
  ASSERT_TRUE(d.createJob);
  EXPECT_TRUE(d.jobName.ends_with("-rehearse")) << d.jobName;
  EXPECT_EQ(d.job, MoveJob::Rehearse);
  const std::vector<std::string> args = argsOf(*d.createJob);
  EXPECT_TRUE(has(args, "rehearse"));
  EXPECT_FALSE(has(args, "run"));
  EXPECT_FALSE(has(args, "--scratch-url"));
  const auto after = [&](const std::string& flag) {
    const auto at = std::find(args.begin(), args.end(), flag);
    return at == args.end() || at + 1 == args.end() ? std::string("(none)") : *(at + 1);
  };
  EXPECT_EQ(after("--expect-plan"), kHash);
  EXPECT_EQ(after("--max-seconds"), "30");
  EXPECT_EQ(after("--max-age"), "86400s");
  EXPECT_EQ(after("--backup-dir"), "/backups");
  EXPECT_EQ(after("--report"), "/dev/termination-log");
  EXPECT_NE(envOf(*d.createJob, "SCRATCH_DATABASE_URL").find("\"name\":\"scratch-db\""),
            std::string::npos)
      << envOf(*d.createJob, "SCRATCH_DATABASE_URL");
  EXPECT_EQ((*d.createJob)["metadata"]["labels"]["app.kubernetes.io/component"], "rehearsal");
  ASSERT_TRUE(d.status.gate);
  EXPECT_EQ(d.status.gate->name, "Rehearsal");
  EXPECT_EQ(conditionOf(d.status, condition::kReconciling), "True/Rehearsing");
  EXPECT_EQ(conditionOf(d.status, condition::kRehearsed), "False/Rehearsing");
  EXPECT_EQ(currentMoveJobName(sv, std::nullopt), d.jobName);

  JobObservation running;
  running.name = d.jobName;
  const Decision during = pass(sv, running, "2026-12-06T10:00:20Z");
  EXPECT_FALSE(during.createJob);
  EXPECT_EQ(conditionOf(during.status, condition::kReconciling), "True/Rehearsing");
  ASSERT_TRUE(during.status.gate);
  EXPECT_EQ(during.status.gate->name, "Rehearsal");

  // It succeeded: the result kept, and in the same pass the Job that applies the plan.
  const Decision done = pass(sv, rehearsalSucceeded(d.jobName), "2026-12-06T10:01:00Z");
  ASSERT_TRUE(done.status.rehearsal);
  const RehearsalStatus& r = *done.status.rehearsal;
  EXPECT_EQ(r.outcome, "Succeeded");
  EXPECT_EQ(r.planHash, kHash);
  EXPECT_EQ(r.jobName, d.jobName);
  EXPECT_DOUBLE_EQ(r.seconds, 4.0);
  EXPECT_DOUBLE_EQ(r.lockWaitSeconds, 0.3);
  EXPECT_EQ(r.slowestStep, "2a3b7c4d5e07 versions/2a3b_sweets.sql 1.200s");
  EXPECT_EQ(r.time, "2026-12-06T10:01:00Z");
  EXPECT_EQ(conditionOf(done.status, condition::kRehearsed), "True/Rehearsed");
  ASSERT_TRUE(done.createJob);
  EXPECT_EQ(done.job, MoveJob::Apply);
  EXPECT_FALSE(done.jobName.ends_with("-rehearse"));
  EXPECT_TRUE(has(argsOf(*done.createJob), "run"));
  EXPECT_TRUE(has(argsOf(*done.createJob), kHash));  // --expect-plan: the rehearsed plan only
  EXPECT_EQ(reasonsOf(done), (std::vector<std::string>{"Rehearsed", "GatesOpen", "JobCreated"}));
  EXPECT_EQ(currentMoveJobName(sv, std::nullopt), done.jobName);
}

TEST(OperatorGates, AFailedRehearsalStallsWithTheStepAndStartsNothing) {
  for (const char* reason : {"RehearsalFailed", "OverTimeBudget"}) {
    SchemaVersion sv = rehearsed();
    const Decision first = pass(sv, std::nullopt, "2026-12-06T10:00:00Z");
    const Decision d = pass(sv, planSucceeded(first.jobName), "2026-12-06T10:00:10Z");
    JobObservation failed;
    failed.name = d.jobName;
    failed.phase = JobPhase::FailedPermanent;
    failed.reason = reason;
    failed.message =
        "the rehearsal failed at versions/2a3b_sweets.sql:7 and the database was not "
        "touched: duplicate key";
    RunReport report;
    report.outcome = "Failed";
    report.reason = reason;
    report.planHash = kHash;
    report.failedStep = FailedStep{"2a3b7c4d5e07", "versions/2a3b_sweets.sql", 7, "23505"};
    failed.report = report;
    failed.exitCode = 1;
    const Decision stalled = pass(sv, failed, "2026-12-06T10:02:00Z");
    EXPECT_FALSE(stalled.createJob);
    EXPECT_EQ(conditionOf(stalled.status, condition::kStalled), std::string("True/") + reason);
    EXPECT_EQ(conditionOf(stalled.status, condition::kReady), std::string("False/") + reason);
    EXPECT_EQ(conditionOf(stalled.status, condition::kRehearsed), std::string("False/") + reason);
    EXPECT_NE(messageOf(stalled.status, condition::kStalled).find("versions/2a3b_sweets.sql:7"),
              std::string::npos)
        << messageOf(stalled.status, condition::kStalled);
    ASSERT_TRUE(stalled.status.rehearsal);
    EXPECT_EQ(stalled.status.rehearsal->outcome, "Failed");
    EXPECT_EQ(stalled.status.rehearsal->failedStep, "versions/2a3b_sweets.sql:7");
    EXPECT_EQ(reasonsOf(stalled), std::vector<std::string>{"RehearsalFailed"});
    // Seen again, with its Job or after the Job is gone: no Job, no new Event.
    for (const std::optional<JobObservation>& again :
         {std::optional(failed), std::optional<JobObservation>()}) {
      const Decision later = pass(sv, again, "2026-12-06T10:05:00Z");
      EXPECT_FALSE(later.createJob);
      EXPECT_TRUE(later.events.empty()) << reasonsOf(later).front();
      EXPECT_EQ(conditionOf(later.status, condition::kStalled), std::string("True/") + reason);
    }
  }
}

TEST(OperatorGates, TheApproverSeesTheRehearsalBesideThePlan) {
  SchemaVersion sv = rehearsed(true);
  const Decision first = pass(sv, std::nullopt, "2026-12-06T10:00:00Z");
  const Decision d = pass(sv, planSucceeded(first.jobName), "2026-12-06T10:00:10Z");
  ASSERT_TRUE(d.createJob);
  EXPECT_TRUE(d.jobName.ends_with("-rehearse"));  // rehearsal before approval
  const Decision waiting = pass(sv, rehearsalSucceeded(d.jobName), "2026-12-06T10:01:00Z");
  EXPECT_FALSE(waiting.createJob);
  ASSERT_TRUE(waiting.status.gate);
  EXPECT_EQ(waiting.status.gate->name, "Approval");
  EXPECT_NE(waiting.status.gate->message.find("rehearsed in 4.0 s on a restored copy, slowest step "
                                              "2a3b7c4d5e07 versions/2a3b_sweets.sql 1.200s"),
            std::string::npos)
      << waiting.status.gate->message;
  sv.approvedPlanAnnotation = kHash;
  const Decision approved = pass(sv, std::nullopt, "2026-12-06T10:02:00Z");
  ASSERT_TRUE(approved.createJob);
  EXPECT_EQ(approved.job, MoveJob::Apply);
}

TEST(OperatorGates, ANewPlanIsRehearsedAgainAndATransientFailureRetried) {
  SchemaVersion sv = rehearsed();
  const Decision first = pass(sv, std::nullopt, "2026-12-06T10:00:00Z");
  const Decision d = pass(sv, planSucceeded(first.jobName), "2026-12-06T10:00:10Z");
  JobObservation transient;
  transient.name = d.jobName;
  transient.phase = JobPhase::FailedTransient;
  transient.reason = "ConnectionLost";
  const Decision retry = pass(sv, transient, "2026-12-06T10:00:30Z");
  EXPECT_TRUE(retry.deleteJob);
  EXPECT_EQ(retry.jobName, d.jobName);
  Observation observed{sv, std::nullopt, std::nullopt, "2026-12-06T10:01:30Z"};
  const Decision again = decide(observed);  // the backoff ran out
  ASSERT_TRUE(again.createJob);
  EXPECT_EQ(again.jobName, d.jobName);
  sv.status = again.status;
  pass(sv, rehearsalSucceeded(d.jobName), "2026-12-06T10:02:00Z");
  // A plan of another hash (a new generation) is not covered by that rehearsal.
  sv.generation = 2;
  const Decision replanned = pass(sv, std::nullopt, "2026-12-06T11:00:00Z");
  ASSERT_TRUE(replanned.createJob);
  EXPECT_TRUE(replanned.jobName.ends_with("-plan"));
  const Decision next =
      pass(sv, planSucceeded(replanned.jobName, kOtherHash), "2026-12-06T11:00:10Z");
  ASSERT_TRUE(next.createJob);
  EXPECT_TRUE(next.jobName.ends_with("-rehearse"));
  EXPECT_TRUE(has(argsOf(*next.createJob), kOtherHash));
}

}  // namespace
}  // namespace retort::op
