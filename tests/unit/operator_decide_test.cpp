// decide(): the SchemaVersion state machine, one observation at a time.
#include <gtest/gtest.h>

#include "operator/schema_version/conditions.hpp"
#include "operator/schema_version/decide.hpp"

namespace retort::op {
namespace {

using std::chrono::seconds;

SchemaVersion fresh() {
  SchemaVersion sv;
  sv.name = "sweetshop";
  sv.ns = "shop";
  sv.uid = "uid-1";
  sv.generation = 1;
  sv.spec.targetRevision = "head";
  sv.spec.database = {"sweetshop-db", "uri"};
  sv.spec.migrations.image = "localhost/retort-sweetshop:0.2.0";
  sv.spec.backup.claimName = "backups";
  return sv;
}

JobObservation jobIn(JobPhase phase, const std::string& name,
                     std::optional<RunReport> report = {}) {
  JobObservation job;
  job.name = name;
  job.phase = phase;
  job.report = report;
  if (report) {
    job.reason = report->reason;
    job.message = report->message;
  }
  return job;
}

RunReport succeeded(std::vector<std::string> to) {
  RunReport r;
  r.outcome = "Succeeded";
  r.reason = "Migrated";
  r.from = {};
  r.to = to;
  r.target = to;
  r.direction = "upgrade";
  r.steps = 2;
  r.planHash = "sha256:ab";
  r.backup = BackupReport{"/backups/sweetshop-1.dump", 2048, "cd", 1.5};
  return r;
}

std::string conditionStatus(const SchemaVersionStatus& status, const char* type) {
  const Condition* c = findCondition(status.conditions, type);
  return c ? c->status + "/" + c->reason : "(none)";
}

Decision step(SchemaVersion& sv, std::optional<JobObservation> job = {},
              std::optional<DriftObservation> drift = {}, const std::string& now = "t") {
  Decision d = decide({sv, job, drift, now});
  sv.status = d.status;
  return d;
}

TEST(OperatorDecide, NewSchemaVersionCreatesOneJob) {
  SchemaVersion sv = fresh();
  const Decision d = step(sv);
  ASSERT_TRUE(d.createJob);
  EXPECT_EQ((*d.createJob)["metadata"]["name"], d.jobName);
  EXPECT_EQ(conditionStatus(d.status, condition::kReconciling), "True/Migrating");
  EXPECT_EQ(conditionStatus(d.status, condition::kReady), "False/Migrating");
  EXPECT_EQ(conditionStatus(d.status, condition::kStalled), "False/Migrating");
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].reason, "JobCreated");
  // The Job is not in the cache yet (informer lag): the same move is not started twice in
  // effect, since it has the same name (the create answers AlreadyExists).
  const Decision again = step(sv);
  EXPECT_EQ(again.jobName, d.jobName);
}

TEST(OperatorDecide, RunningJobIsReconciling) {
  SchemaVersion sv = fresh();
  const std::string name = step(sv).jobName;
  const Decision d = step(sv, jobIn(JobPhase::Running, name));
  EXPECT_FALSE(d.createJob);
  EXPECT_EQ(conditionStatus(d.status, condition::kReconciling), "True/Migrating");
  EXPECT_EQ(d.status.observedGeneration, 0);
}

TEST(OperatorDecide, TheJobStartingIsNoStatusChange) {
  SchemaVersion sv = fresh();
  const Decision created = step(sv, {}, {}, "t1");
  JobObservation running = jobIn(JobPhase::Running, created.jobName);
  running.startTime = "t1-from-the-job-controller";
  const Decision d = step(sv, running, {}, "t2");
  EXPECT_EQ(d.status, created.status);  // nothing to write
  EXPECT_TRUE(d.events.empty());
}

TEST(OperatorDecide, SuccessRecordsTheOutcomeAndSettles) {
  SchemaVersion sv = fresh();
  const std::string name = step(sv).jobName;
  const Decision d = step(sv, jobIn(JobPhase::Succeeded, name, succeeded({"b2"})), {}, "t2");
  EXPECT_EQ(d.status.observedGeneration, 1);
  EXPECT_EQ(d.status.currentRevisions, std::vector<std::string>{"b2"});
  EXPECT_EQ(d.status.targetRevisions, std::vector<std::string>{"b2"});
  ASSERT_TRUE(d.status.plan);
  EXPECT_EQ(d.status.plan->steps, 2);
  ASSERT_TRUE(d.status.lastBackup);
  EXPECT_EQ(d.status.lastBackup->file, "/backups/sweetshop-1.dump");
  EXPECT_EQ(d.status.lastRun->outcome, "Succeeded");
  EXPECT_EQ(conditionStatus(d.status, condition::kReady), "True/Succeeded");
  EXPECT_EQ(conditionStatus(d.status, condition::kReconciling), "False/Succeeded");
  EXPECT_EQ(conditionStatus(d.status, condition::kStalled), "False/Succeeded");
  EXPECT_EQ(conditionStatus(d.status, condition::kBackupSucceeded), "True/BackupTaken");
  EXPECT_EQ(conditionStatus(d.status, condition::kDrifted), "False/InSync");
}

TEST(OperatorDecide, SteadyStateChangesNothing) {
  SchemaVersion sv = fresh();
  const std::string name = step(sv).jobName;
  step(sv, jobIn(JobPhase::Succeeded, name, succeeded({"b2"})));
  const SchemaVersionStatus settled = step(sv).status;  // Job gone (TTL)
  for (int i = 0; i < 3; ++i) {
    const Decision d = decide({sv, {}, DriftObservation{{"b2"}, ""}, "later"});
    EXPECT_FALSE(d.createJob);
    EXPECT_TRUE(d.events.empty());
    EXPECT_EQ(d.status, settled);
    EXPECT_FALSE(d.requeueAfter);  // only a change or a drifted check brings it back
  }
}

TEST(OperatorDecide, NewGenerationIsANewMove) {
  SchemaVersion sv = fresh();
  const std::string first = step(sv).jobName;
  step(sv, jobIn(JobPhase::Succeeded, first, succeeded({"b2"})));
  sv.generation = 2;
  const Decision d = step(sv);
  ASSERT_TRUE(d.createJob);
  EXPECT_NE(d.jobName, first);
}

TEST(OperatorDecide, PermanentFailureStallsWithTheCauseAndIsNotRetried) {
  SchemaVersion sv = fresh();
  const std::string name = step(sv).jobName;
  RunReport failed;
  failed.outcome = "Failed";
  failed.reason = "StepFailed";
  failed.message = "relation \"sweets\" does not exist at versions/b2.sql:14";
  failed.from = {};
  failed.to = {};
  failed.target = {"b2"};
  const Decision d = step(sv, jobIn(JobPhase::FailedPermanent, name, failed), {}, "t3");
  EXPECT_EQ(conditionStatus(d.status, condition::kStalled), "True/StepFailed");
  EXPECT_NE(
      findCondition(d.status.conditions, condition::kStalled)->message.find("versions/b2.sql:14"),
      std::string::npos);
  EXPECT_EQ(conditionStatus(d.status, condition::kReady), "False/StepFailed");
  EXPECT_EQ(conditionStatus(d.status, condition::kReconciling), "False/Stalled");
  EXPECT_EQ(d.status.observedGeneration, 1);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_TRUE(d.events[0].warning);
  // Later passes, with the Job present or collected, start nothing and record nothing new.
  EXPECT_FALSE(step(sv, jobIn(JobPhase::FailedPermanent, name, failed)).events.size());
  const Decision later = step(sv);
  EXPECT_FALSE(later.createJob);
  EXPECT_EQ(conditionStatus(later.status, condition::kStalled), "True/StepFailed");
}

TEST(OperatorDecide, AnOutcomeSeenBeforeTheJobsCompletionTimeIsTimedWhenFirstSeen) {
  SchemaVersion sv = fresh();
  const std::string name = step(sv).jobName;
  JobObservation done = jobIn(JobPhase::Succeeded, name, succeeded({"b2"}));
  ASSERT_TRUE(done.completionTime.empty());
  EXPECT_EQ(step(sv, done, {}, "t5").status.lastRun->completionTime, "t5");
  const SchemaVersionStatus settled = sv.status;
  EXPECT_EQ(step(sv, done, {}, "t9").status, settled);
  // The job controller's completionTime arriving later is no status change either.
  done.completionTime = "t7";
  EXPECT_EQ(step(sv, done, {}, "t10").status, settled);
}

TEST(OperatorDecide, ARefusedRunLeavesTheCurrentRevisionWhereTheDatabaseIs) {
  SchemaVersion sv = fresh();
  const std::string name = step(sv).jobName;
  RunReport refused;
  refused.outcome = "Refused";
  refused.reason = "DowngradeNotAllowed";
  refused.from = {"c3"};
  refused.to = {"a1"};  // where the plan would have gone
  refused.target = {"a1"};
  refused.direction = "downgrade";
  const Decision d = step(sv, jobIn(JobPhase::FailedPermanent, name, refused));
  EXPECT_EQ(d.status.currentRevisions, std::vector<std::string>{"c3"});
  EXPECT_EQ(conditionStatus(d.status, condition::kStalled), "True/DowngradeNotAllowed");
}

TEST(OperatorDecide, TransientFailureDeletesAndRetriesTheSameMove) {
  SchemaVersion sv = fresh();
  const std::string name = step(sv).jobName;
  JobObservation job = jobIn(JobPhase::FailedTransient, name);
  job.reason = "BackoffLimitExceeded";
  const Decision d = step(sv, job);
  EXPECT_TRUE(d.deleteJob);
  ASSERT_TRUE(d.requeueAfter);
  EXPECT_EQ(conditionStatus(d.status, condition::kReconciling), "True/RetryingTransientFailure");
  EXPECT_EQ(conditionStatus(d.status, condition::kStalled), "False/RetryingTransientFailure");
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].reason, "Failed");
  const Decision retry = step(sv);  // the Job is gone
  ASSERT_TRUE(retry.createJob);
  EXPECT_EQ(retry.jobName, name);
}

TEST(OperatorDecide, ATransientFailureWaitsOutItsBackoffBeforeTheJobIsRecreated) {
  SchemaVersion sv = fresh();
  const std::string name = step(sv).jobName;
  Decision failed = decide({sv, jobIn(JobPhase::FailedTransient, name), {}, "t", seconds(60)});
  sv.status = failed.status;
  EXPECT_EQ(failed.requeueAfter, Duration(seconds(60)));
  // Seen again before the delete reached the cache: no second event.
  EXPECT_TRUE(
      decide({sv, jobIn(JobPhase::FailedTransient, name), {}, "t", seconds(59)}).events.empty());
  // The Job is gone but the backoff has 20 s left: nothing is created yet.
  const Decision waiting = decide({sv, {}, {}, "t", seconds(20)});
  EXPECT_FALSE(waiting.createJob);
  EXPECT_EQ(waiting.requeueAfter, Duration(seconds(20)));
  EXPECT_EQ(waiting.status, sv.status);
  // Once it ran out, the same move's Job is recreated.
  const Decision retry = decide({sv, {}, {}, "t", std::nullopt});
  ASSERT_TRUE(retry.createJob);
  EXPECT_EQ(retry.jobName, name);
}

TEST(OperatorDecide, SuspendStartsNothingNew) {
  SchemaVersion sv = fresh();
  sv.spec.suspend = true;
  const Decision d = step(sv);
  EXPECT_FALSE(d.createJob);
  EXPECT_EQ(conditionStatus(d.status, condition::kReady), "False/Suspended");
  EXPECT_EQ(conditionStatus(d.status, condition::kStalled), "False/Suspended");
}

TEST(OperatorDecide, DriftSetsDriftedAndStartsARepairMove) {
  SchemaVersion sv = fresh();
  const std::string first = step(sv).jobName;
  step(sv, jobIn(JobPhase::Succeeded, first, succeeded({"b2"})));
  step(sv);
  const Decision d = step(sv, {}, DriftObservation{{"a1"}, ""});
  EXPECT_EQ(conditionStatus(d.status, condition::kDrifted), "True/OutOfBandChange");
  EXPECT_EQ(d.status.currentRevisions, std::vector<std::string>{"a1"});
  ASSERT_TRUE(d.createJob);
  EXPECT_NE(d.jobName, first);  // same generation, other starting heads: a new move
  bool driftEvent = false;
  for (const auto& e : d.events) driftEvent |= e.reason == "Drifted";
  EXPECT_TRUE(driftEvent);
  // Still drifted while the repair runs; back in sync once it succeeded.
  EXPECT_EQ(
      conditionStatus(step(sv, jobIn(JobPhase::Running, d.jobName)).status, condition::kDrifted),
      "True/OutOfBandChange");
  const Decision repaired = step(sv, jobIn(JobPhase::Succeeded, d.jobName, succeeded({"b2"})));
  EXPECT_EQ(conditionStatus(repaired.status, condition::kDrifted), "False/InSync");
  EXPECT_EQ(conditionStatus(repaired.status, condition::kReady), "True/Succeeded");
}

TEST(OperatorDecide, DriftWhileSuspendedIsRecordedButNotRepaired) {
  SchemaVersion sv = fresh();
  const std::string first = step(sv).jobName;
  step(sv, jobIn(JobPhase::Succeeded, first, succeeded({"b2"})));
  sv.spec.suspend = true;
  const Decision d = step(sv, {}, DriftObservation{{"a1"}, ""});
  EXPECT_FALSE(d.createJob);
  EXPECT_EQ(conditionStatus(d.status, condition::kDrifted), "True/OutOfBandChange");
}

TEST(OperatorDecide, FailedDriftReadIsReportedNotFatal) {
  SchemaVersion sv = fresh();
  const std::string first = step(sv).jobName;
  step(sv, jobIn(JobPhase::Succeeded, first, succeeded({"b2"})));
  const SchemaVersionStatus before = sv.status;
  const Decision d = step(sv, {}, DriftObservation{{}, "connection refused"});
  EXPECT_FALSE(d.createJob);
  EXPECT_EQ(d.status, before);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].reason, "DriftCheckFailed");
}

TEST(OperatorDecide, TransitionTimesSurviveRepeatedPasses) {
  SchemaVersion sv = fresh();
  const std::string name = step(sv, {}, {}, "t1").jobName;
  step(sv, jobIn(JobPhase::Running, name), {}, "t2");
  const Decision d = step(sv, jobIn(JobPhase::Running, name), {}, "t3");
  EXPECT_EQ(findCondition(d.status.conditions, condition::kReconciling)->lastTransitionTime, "t1");
}

// A pod that cannot start is reported at once with what it waits on, and after
// spec.job.podStartTimeout the move ends Stalled and its Job is deleted: a move is never
// "Migrating" for as long as the Job's deadline allows while nothing runs.
TEST(OperatorDecide, APodThatCannotStartIsReportedAtOnceAndStallsAfterTheTimeout) {
  SchemaVersion sv = fresh();
  const std::string name = step(sv, {}, {}, "2026-12-06T10:00:00Z").jobName;
  JobObservation job = jobIn(JobPhase::Running, name);
  job.podWaiting = PodWaiting{name + "-x1", "ContainerCreating", "", "2026-12-06T10:00:00Z", false};
  Decision d = step(sv, job, {}, "2026-12-06T10:00:05Z");
  EXPECT_EQ(conditionStatus(d.status, condition::kReconciling), "True/Migrating");
  EXPECT_TRUE(d.events.empty());
  EXPECT_EQ(d.requeueAfter, std::chrono::seconds(295));  // when the timeout runs out

  job.podWaiting = PodWaiting{name + "-x1", "ErrImagePull", "pull access denied for nope",
                              "2026-12-06T10:00:00Z", true};
  d = step(sv, job, {}, "2026-12-06T10:00:10Z");
  EXPECT_EQ(conditionStatus(d.status, condition::kReconciling), "True/ErrImagePull");
  EXPECT_EQ(conditionStatus(d.status, condition::kReady), "False/ErrImagePull");
  EXPECT_EQ(conditionStatus(d.status, condition::kStalled), "False/ErrImagePull");
  const Condition* reconciling = findCondition(d.status.conditions, condition::kReconciling);
  EXPECT_NE(reconciling->message.find("pull access denied for nope"), std::string::npos);
  EXPECT_NE(reconciling->message.find("ends Stalled after 5m"), std::string::npos);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].reason, "ErrImagePull");
  EXPECT_TRUE(d.events[0].warning);
  EXPECT_FALSE(d.deleteJob);
  // The same wait seen again is no new Event.
  EXPECT_TRUE(step(sv, job, {}, "2026-12-06T10:01:00Z").events.empty());

  d = step(sv, job, {}, "2026-12-06T10:05:00Z");
  EXPECT_TRUE(d.deleteJob);
  EXPECT_EQ(conditionStatus(d.status, condition::kStalled), "True/ErrImagePull");
  EXPECT_EQ(conditionStatus(d.status, condition::kReconciling), "False/Stalled");
  ASSERT_TRUE(d.status.lastRun);
  EXPECT_EQ(d.status.lastRun->outcome, "Failed");
  EXPECT_NE(d.status.lastRun->message.find("did not start within 5m (spec.job.podStartTimeout)"),
            std::string::npos)
      << d.status.lastRun->message;
  // The Job is gone: the move is not started again for this generation.
  d = step(sv, {}, {}, "2026-12-06T10:05:01Z");
  EXPECT_FALSE(d.createJob);
  EXPECT_EQ(conditionStatus(d.status, condition::kStalled), "True/ErrImagePull");
}

TEST(OperatorDecide, APodThatStartsAfterAllIsMigratingAgain) {
  SchemaVersion sv = fresh();
  const std::string name = step(sv, {}, {}, "2026-12-06T10:00:00Z").jobName;
  JobObservation job = jobIn(JobPhase::Running, name);
  job.podWaiting = PodWaiting{name + "-x1", "CreateContainerConfigError",
                              "secret \"sweetshop-db\" not found", "2026-12-06T10:00:00Z", true};
  step(sv, job, {}, "2026-12-06T10:00:10Z");
  job.podWaiting.reset();
  const Decision d = step(sv, job, {}, "2026-12-06T10:00:20Z");
  EXPECT_EQ(conditionStatus(d.status, condition::kReconciling), "True/Migrating");
  EXPECT_EQ(d.status.lastRun->reason, "JobRunning");
}

TEST(OperatorDecide, AMissingSecretStallsWithoutAJobAndIsCheckedAgain) {
  SchemaVersion sv = fresh();
  const MoveRefusal missing{"DatabaseSecretMissing",
                            "Secret shop/sweetshop-db not found (spec.database.secretRef.name)",
                            false};
  Decision d = decide({sv, {}, {}, "t", std::nullopt, missing});
  sv.status = d.status;
  EXPECT_FALSE(d.createJob);
  EXPECT_EQ(conditionStatus(d.status, condition::kStalled), "True/DatabaseSecretMissing");
  EXPECT_EQ(conditionStatus(d.status, condition::kReady), "False/DatabaseSecretMissing");
  EXPECT_EQ(d.requeueAfter, std::chrono::seconds(30));
  EXPECT_FALSE(d.status.lastRun);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].note, missing.message);
  EXPECT_TRUE(decide({sv, {}, {}, "t", std::nullopt, missing}).events.empty());
  // Once the Secret is there, the move starts.
  d = step(sv);
  ASSERT_TRUE(d.createJob);
  EXPECT_EQ(conditionStatus(d.status, condition::kStalled), "False/Migrating");
}

TEST(OperatorDecide, AJobTheApiServerRefusesEndsTheMove) {
  SchemaVersion sv = fresh();
  const MoveRefusal refused{"InvalidJobSpec", "the API server refused the Job (422 Invalid): x",
                            true};
  Decision d = decide({sv, {}, {}, "t", std::nullopt, refused});
  sv.status = d.status;
  EXPECT_EQ(conditionStatus(d.status, condition::kStalled), "True/InvalidJobSpec");
  ASSERT_TRUE(d.status.lastRun);
  EXPECT_EQ(d.status.lastRun->outcome, "Invalid");
  EXPECT_EQ(d.status.observedGeneration, 1);
  // Not tried again for this generation; a new one is a new move.
  EXPECT_FALSE(step(sv).createJob);
  sv.generation = 2;
  EXPECT_TRUE(step(sv).createJob);
}

}  // namespace
}  // namespace retort::op
