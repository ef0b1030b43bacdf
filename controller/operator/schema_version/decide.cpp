#include "operator/schema_version/decide.hpp"

#include <algorithm>

#include "operator/schema_version/conditions.hpp"
#include "operator/schema_version/gates.hpp"
#include "operator/schema_version/job_builder.hpp"
#include "operator/schema_version/metric_values.hpp"
#include "operator/schema_version/plan_publication.hpp"

namespace retort::op {
namespace {

// Outcomes after which the same move is not tried again.
bool isFinalOutcome(const std::string& outcome) {
  return outcome != "Running" && outcome != "Transient" && !outcome.empty();
}

struct ConditionSetter {
  SchemaVersionStatus& status;
  std::int64_t generation;
  const std::string& now;
  void operator()(const char* type, bool value, const std::string& reason,
                  const std::string& message) {
    setCondition(status.conditions,
                 Condition{type, value ? "True" : "False", reason, message, generation, ""}, now);
  }
};

// A move under way or waiting (kstatus's Progressing): Reconciling=True, Ready=False,
// Stalled=False, all with the same reason.
void setProgressing(ConditionSetter& set, const std::string& reason, const std::string& message) {
  set(condition::kReconciling, true, reason, message);
  set(condition::kReady, false, reason, message);
  set(condition::kStalled, false, reason, "");
}

// A move that will not go on without a change of the object or its world.
void setStalled(ConditionSetter& set, const std::string& reason, const std::string& message) {
  set(condition::kStalled, true, reason, message);
  set(condition::kReady, false, reason, message);
  set(condition::kReconciling, false, "Stalled", "");
}

// While a move's Job exists and has no outcome: the same conditions from its creation on.
void setMigrating(ConditionSetter& set, const std::string& jobName, MoveJob job = MoveJob::Apply) {
  switch (job) {
    case MoveJob::Plan:
      setProgressing(set, "Planning", "Job " + jobName + " is computing the plan");
      return;
    case MoveJob::Rehearse:
      setProgressing(set, "Rehearsing",
                     "Job " + jobName + " is rehearsing the plan on a restored copy");
      return;
    case MoveJob::Apply:
      setProgressing(set, "Migrating", "Job " + jobName + " is migrating the database");
      return;
  }
}

// Only a run that applied steps (or found nothing to do) has moved the database to the report's
// `to`; a refused, invalid or transient run, or one whose backup failed, touched nothing, and its
// `to` is only where the plan would have gone.
bool ranSteps(const std::string& outcome) {
  return outcome == "Succeeded" || outcome == "NothingToDo" || outcome == "Failed";
}

void recordReport(SchemaVersionStatus& status, const RunReport& report, const std::string& now) {
  if (ranSteps(report.outcome)) {
    // A failed run whose connection was lost reports no `to`: where it stopped is unknown.
    if (!report.to.empty() || isSuccessOutcome(report.outcome)) status.currentRevisions = report.to;
  } else if (!report.from.empty()) {
    status.currentRevisions = report.from;
  }
  if (!report.target.empty()) status.targetRevisions = report.target;
  if (!report.direction.empty() || !report.planHash.empty()) {
    Plan plan{report.direction, report.steps,    report.from, report.to,
              report.dataLoss,  report.planHash, "",          ""};
    // The applied plan is the published one: keep where it came from and where it is shown.
    if (status.plan && status.plan->hash == plan.hash) {
      plan.jobName = status.plan->jobName;
      plan.configMap = status.plan->configMap;
    }
    status.plan = plan;
  }
  if (report.backup && !report.backup->file.empty())
    status.lastBackup =
        LastBackup{report.backup->file, report.backup->bytes, report.backup->sha256, now};
}

// A running Job whose pod has not started: report what it waits on at once when that will not
// heal by itself, and end the move once it has waited spec.job.podStartTimeout.
void reportPodWaiting(Decision& d, ConditionSetter& set, const SchemaVersion& sv,
                      const PodWaiting& waiting, const std::string& now) {
  SchemaVersionStatus& st = d.status;
  const std::optional<double> since = unixSeconds(waiting.since);
  const std::optional<double> at = unixSeconds(now);
  const auto waited = std::chrono::seconds(
      since && at ? static_cast<std::int64_t>(std::max(0.0, *at - *since)) : 0);
  const std::chrono::seconds limit = sv.spec.job.podStartTimeout;
  const std::string cause =
      waiting.reason + (waiting.message.empty() ? "" : ": " + waiting.message);
  if (waited >= limit) {
    const std::string message = "pod " + waiting.podName + " did not start within " +
                                formatDuration(limit) + " (spec.job.podStartTimeout): " + cause +
                                "; Job " + d.jobName + " deleted";
    st.lastRun->outcome = "Failed";
    st.lastRun->reason = waiting.reason;
    st.lastRun->message = message;
    st.lastRun->completionTime = now;
    st.observedGeneration = sv.generation;
    d.deleteJob = true;
    d.events.push_back({true, "Stalled", "Migrate", message});
    setStalled(set, waiting.reason, message);
    return;
  }
  d.requeueAfter = std::chrono::duration_cast<Duration>(limit - waited);
  if (!waiting.cannotStart) {
    setMigrating(set, d.jobName);
    return;
  }
  const std::string message = "Job " + d.jobName + ": pod " + waiting.podName +
                              " cannot start: " + cause + " (the move ends Stalled after " +
                              formatDuration(limit) + ")";
  if (st.lastRun->reason != waiting.reason)
    d.events.push_back({true, waiting.reason, "Migrate", message});
  st.lastRun->reason = waiting.reason;
  st.lastRun->message = waiting.message;
  setProgressing(set, waiting.reason, message);
}

// The reconciler found the move cannot start (MoveRefusal): Stalled, with an Event the first
// time this reason and message are seen.
void reportRefusal(Decision& d, ConditionSetter& set, const SchemaVersion& sv,
                   const MoveRefusal& refusal, const std::string& now) {
  SchemaVersionStatus& st = d.status;
  const Condition* stalled = findCondition(sv.status.conditions, condition::kStalled);
  const bool reported = stalled && stalled->status == "True" && stalled->reason == refusal.reason &&
                        stalled->message == refusal.message;
  if (!reported) d.events.push_back({true, "Stalled", "Migrate", refusal.message});
  if (refusal.final) {
    st.lastRun = LastRun{d.jobName, now, now, "Invalid", refusal.reason, refusal.message};
    st.observedGeneration = sv.generation;
  } else {
    d.requeueAfter = std::chrono::duration_cast<Duration>(kMissingInputRecheck);
  }
  setStalled(set, refusal.reason, refusal.message);
}

enum class PlanRecord { Recorded, Refused, NotYetRead };

// The plan-only Job of a move that plans first succeeded: record its plan, publish it, and let
// the gates judge it. A plan the policy would refuse ends the move here (Stalled): no approval
// can make `retort run` accept it.

PlanRecord recordPlan(Decision& d, ConditionSetter& set, const SchemaVersion& sv,
                      const JobObservation& job, const std::string& now) {
  SchemaVersionStatus& st = d.status;
  if (!job.report) {
    // The Job's completion can be seen before its pod's termination message (separate watch
    // streams): wait for the report rather than judge the plan without it.
    setMigrating(set, d.jobName, MoveJob::Plan);
    d.requeueAfter = std::chrono::seconds(2);
    return PlanRecord::NotYetRead;
  }
  const RunReport& report = *job.report;
  LastRun run{d.jobName, job.startTime, job.completionTime.empty() ? now : job.completionTime,
              "Planned", report.reason, report.message};
  if (report.outcome != "Planned" || report.reason != "Planned") {
    run.outcome = "Refused";
    if (run.reason.empty()) run.reason = "PlanRefused";
    st.lastRun = run;
    st.observedGeneration = sv.generation;
    recordReport(st, report, now);
    d.events.push_back({true, "Stalled", "Plan", run.reason + ": " + run.message});
    setStalled(set, run.reason, run.message);
    return PlanRecord::Refused;
  }
  st.lastRun = run;
  st.currentRevisions = report.from;
  st.targetRevisions = report.target;
  st.observedGeneration = sv.generation;
  st.plan = Plan{report.direction, report.steps,    report.from, report.to,
                 report.dataLoss,  report.planHash, d.jobName,   planConfigMapName(sv.name)};
  d.publishPlan = planConfigMap(sv, report, d.jobName);
  d.events.push_back({false, "Planned", "Plan",
                      "plan " + report.planHash + ": " + report.direction + " from " +
                          describeRevisions(report.from) + " to " + describeRevisions(report.to) +
                          ", " + std::to_string(report.steps) + " steps (ConfigMap " +
                          st.plan->configMap + ")"});
  return PlanRecord::Recorded;
}

enum class RehearsalRecord { Passed, Failed, NotYetRead };

// The rehearsal Job of the move's plan ended (succeeded, or failed for good): keep its result in
// status.rehearsal, where the rehearsal gate and the approver read it. A failed rehearsal ends
// the move here, Stalled, with the step and its file and line: production was not touched.
RehearsalRecord recordRehearsal(Decision& d, ConditionSetter& set, const SchemaVersion& sv,
                                const JobObservation& job, const std::string& now) {
  SchemaVersionStatus& st = d.status;
  const bool succeeded = job.phase == JobPhase::Succeeded;
  if (succeeded && !job.report) {
    setMigrating(set, d.jobName, MoveJob::Rehearse);  // the report is on its way (see recordPlan)
    d.requeueAfter = std::chrono::seconds(2);
    return RehearsalRecord::NotYetRead;
  }
  const RunReport report = job.report.value_or(RunReport{});
  RehearsalStatus r;
  r.jobName = d.jobName;
  r.planHash = report.planHash.empty() && st.plan ? st.plan->hash : report.planHash;
  r.outcome = succeeded ? "Succeeded" : "Failed";
  r.reason = succeeded ? "Rehearsed" : job.reason;
  r.message = job.message.empty() ? "Job " + d.jobName + " failed" : job.message;
  if (report.rehearsal) {
    const RehearsalReport& measured = *report.rehearsal;
    r.seconds = measured.restoreSeconds + measured.migrateSeconds;
    r.lockWaitSeconds = measured.lockWaitSeconds;
    if (!measured.slowestRevision.empty()) {
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%.3fs", measured.slowestSeconds);
      r.slowestStep = measured.slowestRevision + " " + measured.slowestFile + " " + seconds;
    }
  }
  r.failedStep = report.failedLocation();
  const bool recorded =
      st.rehearsal && st.rehearsal->jobName == r.jobName && st.rehearsal->outcome == r.outcome;
  r.time = recorded ? st.rehearsal->time : (job.completionTime.empty() ? now : job.completionTime);
  st.rehearsal = r;
  const std::string plan = "plan " + r.planHash;
  if (succeeded) {
    const std::string message = plan + " " + describeRehearsal(r);
    if (!recorded) d.events.push_back({false, "Rehearsed", "Rehearse", message});
    set(condition::kRehearsed, true, "Rehearsed", message);
    st.lastRun = LastRun{d.jobName, job.startTime, r.time, "Rehearsed", "Rehearsed", r.message};
    return RehearsalRecord::Passed;
  }
  const std::string message = "the rehearsal of " + plan + " failed (" + r.reason +
                              "): " + r.message + "; the database was not touched";
  if (!recorded) d.events.push_back({true, "RehearsalFailed", "Rehearse", message});
  st.lastRun = LastRun{d.jobName, job.startTime, r.time, "RehearsalFailed", r.reason, r.message};
  st.observedGeneration = sv.generation;
  set(condition::kRehearsed, false, r.reason, message);
  setStalled(set, r.reason, message);
  return RehearsalRecord::Failed;
}

// A closed gate: the move waits, Progressing in kstatus terms, with an Event when it starts
// waiting on this gate for this reason.
void waitOnGate(Decision& d, ConditionSetter& set, const ClosedGate& closed,
                const std::string& now) {
  SchemaVersionStatus& st = d.status;
  const bool same =
      st.gate && st.gate->name == closed.name && st.gate->reason == closed.verdict.reason;
  if (!same) d.events.push_back({false, closed.verdict.reason, "Gate", closed.verdict.message});
  st.gate = GateStatus{closed.name, closed.verdict.reason, closed.verdict.message,
                       same ? st.gate->since : now};
  setProgressing(set, closed.verdict.reason, closed.verdict.message);
  d.requeueAfter = closed.verdict.recheckIn;
}

}  // namespace

bool isSuccessOutcome(const std::string& outcome) {
  return outcome == "Succeeded" || outcome == "NothingToDo" || outcome == "Planned" ||
         outcome == "Rehearsed";
}

MoveJobNames moveJobNames(const SchemaVersion& sv, const std::vector<std::string>& from,
                          std::int64_t planAttempt) {
  return {migrationJobName(sv.name, sv.generation, from, planAttempt, MoveJob::Plan),
          migrationJobName(sv.name, sv.generation, from, planAttempt, MoveJob::Rehearse),
          migrationJobName(sv.name, sv.generation, from, planAttempt, MoveJob::Apply)};
}

bool isPlanning(const SchemaVersion& sv, const SchemaVersionStatus& status,
                const MoveJobNames& names) {
  return sv.spec.plansFirst() && !(status.plan && status.plan->jobName == names.plan);
}

MoveJob currentMoveJob(const SchemaVersion& sv, const SchemaVersionStatus& status,
                       const MoveJobNames& names) {
  if (isPlanning(sv, status, names)) return MoveJob::Plan;
  if (sv.spec.rehearsal.required && !rehearsalPassed(status.plan, status.rehearsal))
    return MoveJob::Rehearse;
  return MoveJob::Apply;
}

const std::string& MoveJobNames::of(MoveJob job) const {
  return job == MoveJob::Plan ? plan : job == MoveJob::Rehearse ? rehearse : apply;
}

std::vector<std::string> startingRevisions(const SchemaVersion& sv,
                                           const std::optional<DriftObservation>& drift) {
  if (drift && drift->error.empty()) return drift->heads;
  return sv.status.currentRevisions;
}

std::string currentMoveJobName(const SchemaVersion& sv,
                               const std::optional<DriftObservation>& drift) {
  const MoveJobNames names = moveJobNames(sv, startingRevisions(sv, drift), sv.status.planAttempt);
  return names.of(currentMoveJob(sv, sv.status, names));
}

Duration transientRetryDelay(int attempt) {
  const int shift = std::clamp(attempt, 0, 5);
  return std::chrono::seconds(30) * (1 << shift);  // 30 s doubling to 16 min
}

Decision decide(const Observation& observed) {
  const SchemaVersion& sv = observed.schemaVersion;
  const std::int64_t generation = sv.generation;
  Decision d;
  d.status = sv.status;
  SchemaVersionStatus& st = d.status;
  ConditionSetter set{st, generation, observed.now};

  // 1. A fresh read of the database: record heads that moved out of band.
  bool driftDetected = false;
  if (observed.drift) {
    if (!observed.drift->error.empty()) {
      d.events.push_back({true, "DriftCheckFailed", "CheckDrift",
                          "could not read the database's revisions: " + observed.drift->error});
    } else if (!sameRevisions(observed.drift->heads, st.currentRevisions)) {
      const bool hadRecord = st.lastRun.has_value();
      driftDetected = hadRecord && st.lastRun->outcome != "Running";
      if (hadRecord)
        d.events.push_back({true, "Drifted", "CheckDrift",
                            "database is at " + describeRevisions(observed.drift->heads) +
                                " but was recorded at " + describeRevisions(st.currentRevisions)});
      st.currentRevisions = observed.drift->heads;
    }
  }

  const std::vector<std::string> from = st.currentRevisions;
  const MoveJobNames names = moveJobNames(sv, from, st.planAttempt);
  // Which of the move's Jobs is current; again after this pass recorded a plan or a rehearsal.
  const auto pickJob = [&] {
    d.job = currentMoveJob(sv, st, names);
    d.jobName = names.of(d.job);
  };
  pickJob();
  if (sv.spec.windows.empty())
    st.nextWindowStart.clear();
  else if (const std::optional<WallTime> at = wallTimeFrom(observed.now))
    st.nextWindowStart = wallTimeText(evaluateWindows(sv.spec.windows, *at).nextStart);
  // Read again after a plan is recorded in this pass, which resolves the target.
  const auto needsMove = [&] {
    const bool targetKnown = st.observedGeneration == generation && !st.targetRevisions.empty();
    const bool atTarget = targetKnown && sameRevisions(st.currentRevisions, st.targetRevisions);
    return st.observedGeneration != generation || (targetKnown && !atTarget);
  };
  const auto attempted = [&] { return st.lastRun && st.lastRun->jobName == d.jobName; };

  bool jobHandled = false;
  bool waitingOnGate = false;
  const bool jobEnded = observed.job && observed.job->name == d.jobName &&
                        (observed.job->phase == JobPhase::Succeeded ||
                         (observed.job->phase == JobPhase::FailedPermanent &&
                          observed.job->reason != "PlanMismatch"));
  if (jobEnded && d.job == MoveJob::Plan && observed.job->phase == JobPhase::Succeeded) {
    jobHandled = recordPlan(d, set, sv, *observed.job, observed.now) != PlanRecord::Recorded;
    if (!jobHandled) pickJob();
  }
  // Not an else: the plan just recorded may have been rehearsed already (the same hash).
  if (!jobHandled && jobEnded && d.job == MoveJob::Rehearse && observed.job->name == d.jobName) {
    jobHandled =
        recordRehearsal(d, set, sv, *observed.job, observed.now) != RehearsalRecord::Passed;
    if (!jobHandled) pickJob();
  } else if (!jobHandled && observed.job && observed.job->name == d.jobName) {
    jobHandled = true;
    const JobObservation& job = *observed.job;
    const std::string previousOutcome = attempted() ? st.lastRun->outcome : "";
    LastRun run{d.jobName, job.startTime, job.completionTime, "", job.reason, job.message};
    // A Job reports its outcome (the pod's exit, SuccessCriteriaMet) before the job controller
    // sets completionTime; the time the outcome was first seen stands in. Once recorded it is
    // kept, even when completionTime arrives later, so the status settles: no write in a steady
    // state (the last-success metric reads it).
    if (job.phase != JobPhase::Running) {
      const bool recorded = attempted() && !st.lastRun->completionTime.empty() &&
                            previousOutcome != "Running" && previousOutcome != "Transient";
      if (recorded)
        run.completionTime = st.lastRun->completionTime;
      else if (run.completionTime.empty())
        run.completionTime = observed.now;
    }
    switch (job.phase) {
      case JobPhase::Running:
        // The status written when the Job was created already says all of this: keep it
        // (including the start time recorded then), so the Job starting is no status write.
        if (!(attempted() && previousOutcome == "Running")) {
          run.outcome = "Running";
          run.reason = "JobRunning";
          run.message = "";
          st.lastRun = run;
        }
        if (job.podWaiting) {
          reportPodWaiting(d, set, sv, *job.podWaiting, observed.now);
        } else {
          if (st.lastRun->reason != "JobCreated" && st.lastRun->reason != "JobRunning") {
            st.lastRun->reason = "JobRunning";  // the pod started after all
            st.lastRun->message = "";
          }
          setMigrating(set, d.jobName, d.job);
        }
        // A running rehearsal is the Rehearsal gate's Job: the move still waits on that gate.
        waitingOnGate = d.job == MoveJob::Rehearse && st.gate.has_value();
        break;
      case JobPhase::Succeeded: {
        run.outcome = job.report ? job.report->outcome : "Succeeded";
        if (run.reason.empty()) run.reason = run.outcome;
        if (job.report) recordReport(st, *job.report, observed.now);
        if (st.targetRevisions.empty() || !job.report) st.targetRevisions = st.currentRevisions;
        st.observedGeneration = generation;
        st.lastRun = run;
        if (previousOutcome != run.outcome)
          d.events.push_back(
              {false, "Succeeded", "Migrate",
               "Job " + d.jobName + ": database at " + describeRevisions(st.currentRevisions)});
        set(condition::kReady, true, run.outcome,
            "database at target " + describeRevisions(st.targetRevisions));
        set(condition::kReconciling, false, run.outcome, "");
        set(condition::kStalled, false, run.outcome, "");
        if (job.report && job.report->backup && !job.report->backup->file.empty())
          set(condition::kBackupSucceeded, true, "BackupTaken", job.report->backup->file);
        break;
      }
      case JobPhase::FailedPermanent: {
        run.outcome = job.report ? job.report->outcome : "Failed";
        if (sv.spec.plansFirst() && job.reason == "PlanMismatch") {
          // The approved plan is not what would run now (a new image, a database moved by
          // hand): nothing was touched. Plan again, under new names, and ask again.
          st.lastRun = run;
          if (previousOutcome != run.outcome) {
            st.planAttempt += 1;
            d.events.push_back({true, "PlanChanged", "Migrate",
                                "Job " + d.jobName + " refused to apply: " + job.message +
                                    "; the move is planned again and needs a new approval"});
          }
          if (job.report && !job.report->from.empty()) st.currentRevisions = job.report->from;
          setProgressing(set, "PlanChanged", job.message);
          d.requeueAfter = Duration::zero();
          break;
        }
        if (job.report) recordReport(st, *job.report, observed.now);
        st.observedGeneration = generation;
        st.lastRun = run;
        const std::string message =
            run.message.empty() ? "Job " + d.jobName + " failed" : run.message;
        if (previousOutcome != run.outcome)
          d.events.push_back({true, "Stalled", "Migrate",
                              "Job " + d.jobName + " failed permanently (" +
                                  (run.reason.empty() ? "MigrationFailed" : run.reason) +
                                  "): " + message});
        setStalled(set, run.reason.empty() ? "MigrationFailed" : run.reason, message);
        if (run.outcome == "BackupFailed")
          set(condition::kBackupSucceeded, false, "BackupFailed", message);
        break;
      }
      case JobPhase::FailedTransient: {
        run.outcome = "Transient";
        st.lastRun = run;
        d.deleteJob = true;
        d.requeueAfter = observed.transientRetryIn.value_or(transientRetryDelay(0));
        if (previousOutcome != "Transient")
          d.events.push_back(
              {true, "Failed", "Migrate",
               "Job " + d.jobName + " failed transiently (" + run.reason +
                   "); it will be retried in " +
                   std::to_string(
                       std::chrono::duration_cast<std::chrono::seconds>(*d.requeueAfter).count()) +
                   "s"});
        setProgressing(set, "RetryingTransientFailure", run.message);
        break;
      }
    }
  }
  if (jobHandled) {
    // The Job of the move said what to do.
  } else if (!needsMove() || (attempted() && isFinalOutcome(st.lastRun->outcome))) {
    // Nothing to do, or this move already ran to a final outcome (its Job may be gone by now):
    // the conditions that outcome set stand; only a settled success is re-stated.
    const bool settledSuccess = !st.lastRun || isSuccessOutcome(st.lastRun->outcome);
    // A Ready=True written by the success itself stands (its reason names the outcome).
    if (!needsMove() && settledSuccess && !isConditionTrue(st.conditions, condition::kReady)) {
      set(condition::kReady, true, "UpToDate",
          "database at target " + describeRevisions(st.targetRevisions));
      set(condition::kReconciling, false, "UpToDate", "");
      set(condition::kStalled, false, "UpToDate", "");
    }
    // No requeue: a settled object comes back on a watch event or a drifted or failed drift
    // check (an in-sync one ends in the checker); a timer would reconcile it every interval.
  } else if (attempted() && st.lastRun->outcome == "Transient" && observed.transientRetryIn) {
    // The move failed transiently and its backoff has not run out: wait, then recreate it.
    d.requeueAfter = observed.transientRetryIn;
  } else if (sv.spec.suspend) {
    set(condition::kReady, false, "Suspended",
        "spec.suspend is true: not starting the move to " + sv.spec.targetRevision);
    set(condition::kReconciling, false, "Suspended", "");
    set(condition::kStalled, false, "Suspended", "");
  } else if (observed.moveRefused) {
    reportRefusal(d, set, sv, *observed.moveRefused, observed.now);
  } else if (d.job == MoveJob::Plan) {
    d.createJob = buildMigrationJob(sv, d.jobName, from, MigrationRun{MoveJob::Plan, ""});
    st.lastRun = LastRun{d.jobName, observed.now, "", "Running", "JobCreated", ""};
    d.events.push_back({false, "JobCreated", "Plan",
                        "created Job " + d.jobName + " to plan the move from " +
                            describeRevisions(from) + " to " + sv.spec.targetRevision});
    setMigrating(set, d.jobName, MoveJob::Plan);
  } else {
    const std::optional<Plan> plan = sv.spec.plansFirst() ? st.plan : std::optional<Plan>();
    const GateInput gates{sv, plan, wallTimeFrom(observed.now).value_or(WallTime{}),
                          observed.promotionSources, st.rehearsal};
    if (const std::optional<ClosedGate> closed = firstClosedGate(gates)) {
      waitOnGate(d, set, *closed, observed.now);
      waitingOnGate = true;
      if (closed->verdict.runsJob && d.job == MoveJob::Rehearse && plan) {
        d.createJob =
            buildMigrationJob(sv, d.jobName, from, MigrationRun{MoveJob::Rehearse, plan->hash});
        st.lastRun = LastRun{d.jobName, observed.now, "", "Running", "JobCreated", ""};
        d.events.push_back({false, "JobCreated", "Rehearse",
                            "created Job " + d.jobName + " to rehearse plan " + plan->hash +
                                " on a copy restored on the scratch server"});
        set(condition::kRehearsed, false, "Rehearsing",
            "Job " + d.jobName + " is rehearsing plan " + plan->hash);
      }
    } else {
      if (st.gate) {
        d.events.push_back({false, "GatesOpen", "Gate",
                            "every gate is open (" + st.gate->name + " was the last closed)"});
      }
      d.createJob = buildMigrationJob(sv, d.jobName, from,
                                      MigrationRun{MoveJob::Apply, plan ? plan->hash : ""});
      st.lastRun = LastRun{d.jobName, observed.now, "", "Running", "JobCreated", ""};
      d.events.push_back({false, "JobCreated", "Migrate",
                          "created Job " + d.jobName + " to move from " + describeRevisions(from) +
                              " to " + sv.spec.targetRevision +
                              (plan ? " with the approved plan " + plan->hash : "")});
      setMigrating(set, d.jobName);
    }
  }

  // status.gate says what the move waits on now, never what it waited on before (the pass that
  // opened the gates may not have got its status written).
  if (!waitingOnGate) st.gate.reset();

  // Drifted: the database left a target it had reached, and has not been brought back yet.
  const bool drifted =
      (isConditionTrue(sv.status.conditions, condition::kDrifted) || driftDetected) &&
      st.observedGeneration == generation && !st.targetRevisions.empty() &&
      !sameRevisions(st.currentRevisions, st.targetRevisions);
  set(condition::kDrifted, drifted, drifted ? "OutOfBandChange" : "InSync",
      drifted ? "database at " + describeRevisions(st.currentRevisions) + ", target " +
                    describeRevisions(st.targetRevisions)
              : "");
  return d;
}

}  // namespace retort::op
