#include "operator/schema_version/schema_version.hpp"

#include <cctype>

#include "engine/util/printable.hpp"
#include "engine/util/utf8.hpp"

namespace retort::op {
namespace {

using nlohmann::json;

const json* member(const json& object, const char* name) {
  const auto found = object.find(name);
  if (found == object.end() || found->is_null()) return nullptr;
  return &*found;
}

std::string childPath(const std::string& path, const char* name) {
  return path.empty() ? name : path + "." + name;
}

const json& requireObject(const json& value, const std::string& path) {
  if (!value.is_object()) throw SpecError(path, "expected an object");
  return value;
}

void readString(const json& object, const char* name, const std::string& path, std::string& out) {
  if (const json* value = member(object, name)) {
    if (!value->is_string()) throw SpecError(childPath(path, name), "expected a string");
    out = value->get<std::string>();
  }
}

void readBool(const json& object, const char* name, const std::string& path, bool& out) {
  if (const json* value = member(object, name)) {
    if (!value->is_boolean()) throw SpecError(childPath(path, name), "expected true or false");
    out = value->get<bool>();
  }
}

void readInt(const json& object, const char* name, const std::string& path, std::int64_t& out,
             std::int64_t minimum) {
  if (const json* value = member(object, name)) {
    if (!value->is_number_integer()) throw SpecError(childPath(path, name), "expected an integer");
    out = value->get<std::int64_t>();
    if (out < minimum)
      throw SpecError(childPath(path, name), "must be at least " + std::to_string(minimum));
  }
}

// A number of seconds, fractions allowed (status values, and budgets such as 0.5).
void readSeconds(const json& object, const char* name, const std::string& path, double& out) {
  if (const json* value = member(object, name)) {
    if (!value->is_number()) throw SpecError(childPath(path, name), "expected a number");
    out = value->get<double>();
    if (out < 0) throw SpecError(childPath(path, name), "must be at least 0");
  }
}

void readStrings(const json& object, const char* name, const std::string& path,
                 std::vector<std::string>& out) {
  if (const json* value = member(object, name)) {
    if (!value->is_array()) throw SpecError(childPath(path, name), "expected a list of strings");
    out.clear();
    for (std::size_t i = 0; i < value->size(); ++i) {
      const json& item = (*value)[i];
      if (!item.is_string())
        throw SpecError(childPath(path, name) + "[" + std::to_string(i) + "]", "expected a string");
      out.push_back(item.get<std::string>());
    }
  }
}

// The CRD's pattern and rules for spec.targetRevision, for objects read from a server without
// them: what reaches `retort run` is a target of Alembic's grammar, never a flag or a second
// argument.
void checkTargetRevision(const std::string& target, const std::string& path) {
  if (target.empty()) throw SpecError(path, "must not be empty");
  if (target.size() > 256) throw SpecError(path, "longer than 256 characters");
  if (const size_t bad = engine::firstInvalidUtf8(target); bad != std::string::npos)
    throw SpecError(path, "byte " + std::to_string(bad) + " is not UTF-8: not a revision target");
  for (const char c : target) {
    const bool allowed = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
                         c == '@' || c == ':' || c == '+' || c == '-';
    if (!allowed || static_cast<unsigned char>(c) >= 0x80)
      throw SpecError(path, "\"" + engine::printable(target) +
                                "\" is not a revision target: only letters, digits and _ . @ : + - "
                                "are allowed");
  }
  for (size_t sign = target.find_first_of("+-"); sign != std::string::npos;
       sign = target.find_first_of("+-", sign + 1)) {
    size_t digits = 0;
    while (sign + 1 + digits < target.size() &&
           std::isdigit(static_cast<unsigned char>(target[sign + 1 + digits])))
      ++digits;
    if (digits > 9)
      throw SpecError(path, "\"" + target + "\": a relative step has at most 9 digits");
  }
  if (target.rfind("--", 0) == 0)
    throw SpecError(path, "\"" + target + "\" starts with \"--\": a target, never a flag");
}

BackupMode backupModeFrom(const std::string& text, const std::string& path) {
  if (text == "Required") return BackupMode::Required;
  if (text == "IfPossible") return BackupMode::IfPossible;
  if (text == "Disabled") return BackupMode::Disabled;
  throw SpecError(path, "unsupported value \"" + text +
                            "\": supported values are \"Required\", \"IfPossible\", \"Disabled\"");
}

}  // namespace

std::string approvedPlanOf(const SchemaVersion& sv) {
  return !sv.spec.approval.approvedPlan.empty() ? sv.spec.approval.approvedPlan
                                                : sv.approvedPlanAnnotation;
}

const char* backupModeName(BackupMode mode) {
  switch (mode) {
    case BackupMode::Required:
      return "Required";
    case BackupMode::IfPossible:
      return "IfPossible";
    case BackupMode::Disabled:
      return "Disabled";
  }
  return "Required";
}

std::chrono::seconds parseDuration(const std::string& text, const std::string& path) {
  if (text.empty()) throw SpecError(path, "empty duration");
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i])))
      throw SpecError(path, "invalid duration \"" + text + "\": expected e.g. 30s, 5m, 1h30m");
    std::int64_t number = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      number = number * 10 + (text[i] - '0');
      if (number > 1'000'000'000) throw SpecError(path, "duration \"" + text + "\" is too long");
      ++i;
    }
    if (i == text.size()) throw SpecError(path, "invalid duration \"" + text + "\": missing unit");
    const char unit = text[i++];
    if (unit == 'h')
      total += number * 3600;
    else if (unit == 'm')
      total += number * 60;
    else if (unit == 's')
      total += number;
    else
      throw SpecError(path, "invalid duration \"" + text + "\": units are h, m and s");
  }
  return std::chrono::seconds(total);
}

std::chrono::milliseconds parseMilliseconds(const std::string& text, const std::string& path) {
  // "500ms" and "1s500ms": the millisecond part is read apart, the rest as parseDuration reads.
  std::string rest = text;
  std::int64_t millis = 0;
  const std::size_t ms = rest.find("ms");
  if (ms != std::string::npos) {
    if (ms + 2 != rest.size())
      throw SpecError(path, "invalid duration \"" + text + "\": milliseconds come last");
    std::size_t digits = ms;
    while (digits > 0 && std::isdigit(static_cast<unsigned char>(rest[digits - 1]))) --digits;
    if (digits == ms || ms - digits > 9)
      throw SpecError(path, "invalid duration \"" + text + "\": expected e.g. 500ms, 2s, 1m");
    millis = std::stoll(rest.substr(digits, ms - digits));
    rest = rest.substr(0, digits);
  }
  const std::chrono::seconds seconds =
      rest.empty() ? std::chrono::seconds(0) : parseDuration(rest, path);
  return std::chrono::milliseconds(millis) + seconds;
}

std::string formatDuration(std::chrono::seconds duration) {
  const std::int64_t total = duration.count();
  if (total == 0) return "0s";
  std::string out;
  if (total >= 3600) out += std::to_string(total / 3600) + "h";
  if (total % 3600 >= 60) out += std::to_string(total % 3600 / 60) + "m";
  if (total % 60 != 0) out += std::to_string(total % 60) + "s";
  return out;
}

SchemaVersionSpec specFromJson(const json& spec) {
  const std::string path = "spec";
  requireObject(spec, path);
  SchemaVersionSpec out;
  if (!member(spec, "targetRevision"))
    throw SpecError("spec.targetRevision",
                    "required (write head where the newest revision is meant)");
  readString(spec, "targetRevision", path, out.targetRevision);
  checkTargetRevision(out.targetRevision, "spec.targetRevision");

  const json* database = member(spec, "database");
  if (!database) throw SpecError("spec.database", "required");
  requireObject(*database, "spec.database");
  const json* secretRef = member(*database, "secretRef");
  if (!secretRef) throw SpecError("spec.database.secretRef", "required");
  requireObject(*secretRef, "spec.database.secretRef");
  readString(*secretRef, "name", "spec.database.secretRef", out.database.name);
  readString(*secretRef, "key", "spec.database.secretRef", out.database.key);
  if (out.database.name.empty()) throw SpecError("spec.database.secretRef.name", "required");
  if (out.database.key.empty()) throw SpecError("spec.database.secretRef.key", "required");

  const json* migrations = member(spec, "migrations");
  if (!migrations) throw SpecError("spec.migrations", "required");
  requireObject(*migrations, "spec.migrations");
  readString(*migrations, "image", "spec.migrations", out.migrations.image);
  readString(*migrations, "path", "spec.migrations", out.migrations.path);
  readStrings(*migrations, "configMaps", "spec.migrations", out.migrations.configMaps);
  if (out.migrations.image.empty()) throw SpecError("spec.migrations.image", "required");
  if (out.migrations.path.empty() || out.migrations.path.front() != '/')
    throw SpecError("spec.migrations.path", "must be an absolute path");
  if (const json* alembic = member(*migrations, "alembic")) {
    requireObject(*alembic, "spec.migrations.alembic");
    AlembicApplication app;
    readString(*alembic, "image", "spec.migrations.alembic", app.image);
    readString(*alembic, "path", "spec.migrations.alembic", app.path);
    readString(*alembic, "python", "spec.migrations.alembic", app.python);
    if (app.image.empty()) throw SpecError("spec.migrations.alembic.image", "required");
    if (app.path.empty() || app.path.front() != '/')
      throw SpecError("spec.migrations.alembic.path", "required, an absolute path");
    if (app.python.empty()) throw SpecError("spec.migrations.alembic.python", "must not be empty");
    if (!out.migrations.configMaps.empty()) {
      throw SpecError("spec.migrations.configMaps",
                      "cannot be combined with spec.migrations.alembic (the project's scripts "
                      "are in the application image)");
    }
    out.migrations.alembic = app;
  }

  if (const json* backup = member(spec, "backup")) {
    requireObject(*backup, "spec.backup");
    std::string mode = backupModeName(out.backup.mode);
    readString(*backup, "mode", "spec.backup", mode);
    out.backup.mode = backupModeFrom(mode, "spec.backup.mode");
    if (const json* claim = member(*backup, "persistentVolumeClaim")) {
      requireObject(*claim, "spec.backup.persistentVolumeClaim");
      readString(*claim, "claimName", "spec.backup.persistentVolumeClaim", out.backup.claimName);
    }
    readInt(*backup, "keep", "spec.backup", out.backup.keep, 1);
  }
  if (out.backup.mode == BackupMode::Required && out.backup.claimName.empty())
    throw SpecError("spec.backup.persistentVolumeClaim",
                    "required when spec.backup.mode is Required");

  if (const json* policy = member(spec, "policy")) {
    requireObject(*policy, "spec.policy");
    readBool(*policy, "allowDowngrade", "spec.policy", out.policy.allowDowngrade);
    readBool(*policy, "allowDataLoss", "spec.policy", out.policy.allowDataLoss);
    readInt(*policy, "lockRetries", "spec.policy", out.policy.lockRetries, 0);
    std::string text;
    readString(*policy, "lockTimeout", "spec.policy", text);
    if (!text.empty()) out.policy.lockTimeout = parseMilliseconds(text, "spec.policy.lockTimeout");
    text.clear();
    readString(*policy, "statementTimeout", "spec.policy", text);
    if (!text.empty())
      out.policy.statementTimeout = parseMilliseconds(text, "spec.policy.statementTimeout");
  }
  readBool(spec, "suspend", path, out.suspend);
  std::string interval;
  readString(spec, "driftCheckInterval", path, interval);
  if (!interval.empty()) {
    out.driftCheckInterval = parseDuration(interval, "spec.driftCheckInterval");
    if (out.driftCheckInterval < std::chrono::seconds(10))
      throw SpecError("spec.driftCheckInterval", "must be at least 10s");
  }

  std::string mode = "Apply";
  readString(spec, "mode", path, mode);
  if (mode == "Plan")
    out.mode = Mode::Plan;
  else if (mode != "Apply")
    throw SpecError("spec.mode", "unsupported value \"" + engine::printable(mode) +
                                     "\": supported values are \"Apply\", \"Plan\"");
  if (const json* approval = member(spec, "approval")) {
    requireObject(*approval, "spec.approval");
    readBool(*approval, "required", "spec.approval", out.approval.required);
    readString(*approval, "approvedPlan", "spec.approval", out.approval.approvedPlan);
  }
  if (const json* promotion = member(spec, "promotion")) {
    requireObject(*promotion, "spec.promotion");
    if (const json* after = member(*promotion, "after")) {
      if (!after->is_array()) throw SpecError("spec.promotion.after", "expected a list");
      for (std::size_t i = 0; i < after->size(); ++i) {
        const std::string itemPath = "spec.promotion.after[" + std::to_string(i) + "]";
        const json& item = requireObject((*after)[i], itemPath);
        PromotionSource source;
        readString(item, "namespace", itemPath, source.ns);
        readString(item, "name", itemPath, source.name);
        if (source.name.empty()) throw SpecError(itemPath + ".name", "required");
        std::string readyFor;
        readString(item, "readyFor", itemPath, readyFor);
        if (!readyFor.empty()) source.readyFor = parseDuration(readyFor, itemPath + ".readyFor");
        out.promotionAfter.push_back(source);
      }
    }
  }
  if (const json* windows = member(spec, "windows")) out.windows = windowsFromJson(*windows);
  if (const json* rehearsal = member(spec, "rehearsal")) {
    const std::string at = "spec.rehearsal";
    requireObject(*rehearsal, at);
    readBool(*rehearsal, "required", at, out.rehearsal.required);
    if (const json* scratch = member(*rehearsal, "scratchDatabase")) {
      requireObject(*scratch, at + ".scratchDatabase");
      const json* ref = member(*scratch, "secretRef");
      if (!ref) throw SpecError(at + ".scratchDatabase.secretRef", "required");
      requireObject(*ref, at + ".scratchDatabase.secretRef");
      readString(*ref, "name", at + ".scratchDatabase.secretRef",
                 out.rehearsal.scratchDatabase.name);
      readString(*ref, "key", at + ".scratchDatabase.secretRef", out.rehearsal.scratchDatabase.key);
      if (out.rehearsal.scratchDatabase.key.empty())
        throw SpecError(at + ".scratchDatabase.secretRef.key", "required");
    }
    if (out.rehearsal.required && out.rehearsal.scratchDatabase.name.empty())
      throw SpecError(at + ".scratchDatabase.secretRef.name",
                      "required with spec.rehearsal.required: the server the copy is restored on");
    std::string maxAge;
    readString(*rehearsal, "maxAge", at, maxAge);
    if (!maxAge.empty()) out.rehearsal.maxAge = parseDuration(maxAge, at + ".maxAge");
    readSeconds(*rehearsal, "maxSeconds", at, out.rehearsal.maxSeconds);
    readSeconds(*rehearsal, "maxLockWaitSeconds", at, out.rehearsal.maxLockWaitSeconds);
    if (out.rehearsal.required && out.migrations.alembic)
      throw SpecError(at + ".required",
                      "not supported with spec.migrations.alembic: a rehearsal runs Retort's "
                      "own executor, not the application's Alembic");
  }

  if (const json* job = member(spec, "job")) {
    const std::string jobPath = "spec.job";
    requireObject(*job, jobPath);
    readInt(*job, "backoffLimit", jobPath, out.job.backoffLimit, 0);
    readInt(*job, "activeDeadlineSeconds", jobPath, out.job.activeDeadlineSeconds, 1);
    readInt(*job, "ttlSecondsAfterFinished", jobPath, out.job.ttlSecondsAfterFinished, 0);
    readString(*job, "serviceAccountName", jobPath, out.job.serviceAccountName);
    std::string podStartTimeout;
    readString(*job, "podStartTimeout", jobPath, podStartTimeout);
    if (!podStartTimeout.empty()) {
      out.job.podStartTimeout = parseDuration(podStartTimeout, "spec.job.podStartTimeout");
      if (out.job.podStartTimeout < std::chrono::seconds(10))
        throw SpecError("spec.job.podStartTimeout", "must be at least 10s");
    }
    if (const json* resources = member(*job, "resources"))
      out.job.resources = requireObject(*resources, "spec.job.resources");
    if (const json* selector = member(*job, "nodeSelector")) {
      requireObject(*selector, "spec.job.nodeSelector");
      for (const auto& [key, value] : selector->items()) {
        if (!value.is_string())
          throw SpecError("spec.job.nodeSelector." + key, "expected a string");
        out.job.nodeSelector[key] = value.get<std::string>();
      }
    }
    if (const json* tolerations = member(*job, "tolerations")) {
      if (!tolerations->is_array()) throw SpecError("spec.job.tolerations", "expected a list");
      out.job.tolerations = *tolerations;
    }
    if (const json* secrets = member(*job, "imagePullSecrets")) {
      if (!secrets->is_array()) throw SpecError("spec.job.imagePullSecrets", "expected a list");
      out.job.imagePullSecrets = *secrets;
    }
  }
  return out;
}

SchemaVersionStatus statusFromJson(const json& status) {
  SchemaVersionStatus out;
  if (!status.is_object()) return out;
  const std::string path = "status";
  readInt(status, "observedGeneration", path, out.observedGeneration, 0);
  readStrings(status, "currentRevisions", path, out.currentRevisions);
  readStrings(status, "targetRevisions", path, out.targetRevisions);
  readString(status, "lastDriftCheckTime", path, out.lastDriftCheckTime);
  if (const json* plan = member(status, "plan"); plan && plan->is_object()) {
    Plan p;
    readString(*plan, "direction", "status.plan", p.direction);
    readInt(*plan, "steps", "status.plan", p.steps, 0);
    readStrings(*plan, "from", "status.plan", p.from);
    readStrings(*plan, "to", "status.plan", p.to);
    readBool(*plan, "dataLoss", "status.plan", p.dataLoss);
    readString(*plan, "hash", "status.plan", p.hash);
    readString(*plan, "jobName", "status.plan", p.jobName);
    readString(*plan, "configMap", "status.plan", p.configMap);
    out.plan = p;
  }
  readString(status, "nextWindowStart", path, out.nextWindowStart);
  readInt(status, "planAttempt", path, out.planAttempt, 0);
  if (const json* gate = member(status, "gate"); gate && gate->is_object()) {
    GateStatus g;
    readString(*gate, "name", "status.gate", g.name);
    readString(*gate, "reason", "status.gate", g.reason);
    readString(*gate, "message", "status.gate", g.message);
    readString(*gate, "since", "status.gate", g.since);
    out.gate = g;
  }
  if (const json* rehearsal = member(status, "rehearsal"); rehearsal && rehearsal->is_object()) {
    const std::string at = "status.rehearsal";
    RehearsalStatus r;
    readString(*rehearsal, "jobName", at, r.jobName);
    readString(*rehearsal, "planHash", at, r.planHash);
    readString(*rehearsal, "outcome", at, r.outcome);
    readString(*rehearsal, "reason", at, r.reason);
    readString(*rehearsal, "message", at, r.message);
    readSeconds(*rehearsal, "seconds", at, r.seconds);
    readString(*rehearsal, "slowestStep", at, r.slowestStep);
    readSeconds(*rehearsal, "lockWaitSeconds", at, r.lockWaitSeconds);
    readString(*rehearsal, "failedStep", at, r.failedStep);
    readString(*rehearsal, "time", at, r.time);
    out.rehearsal = r;
  }
  if (const json* run = member(status, "lastRun"); run && run->is_object()) {
    LastRun r;
    readString(*run, "jobName", "status.lastRun", r.jobName);
    readString(*run, "startTime", "status.lastRun", r.startTime);
    readString(*run, "completionTime", "status.lastRun", r.completionTime);
    readString(*run, "outcome", "status.lastRun", r.outcome);
    readString(*run, "reason", "status.lastRun", r.reason);
    readString(*run, "message", "status.lastRun", r.message);
    out.lastRun = r;
  }
  if (const json* backup = member(status, "lastBackup"); backup && backup->is_object()) {
    LastBackup b;
    readString(*backup, "file", "status.lastBackup", b.file);
    readInt(*backup, "bytes", "status.lastBackup", b.bytes, 0);
    readString(*backup, "sha256", "status.lastBackup", b.sha256);
    readString(*backup, "time", "status.lastBackup", b.time);
    out.lastBackup = b;
  }
  if (const json* conditions = member(status, "conditions"); conditions && conditions->is_array()) {
    for (const json& item : *conditions) {
      if (!item.is_object()) continue;
      Condition c;
      readString(item, "type", "status.conditions", c.type);
      readString(item, "status", "status.conditions", c.status);
      readString(item, "reason", "status.conditions", c.reason);
      readString(item, "message", "status.conditions", c.message);
      readInt(item, "observedGeneration", "status.conditions", c.observedGeneration, 0);
      readString(item, "lastTransitionTime", "status.conditions", c.lastTransitionTime);
      out.conditions.push_back(c);
    }
  }
  return out;
}

json statusToJson(const SchemaVersionStatus& status) {
  json out = json::object();
  out["observedGeneration"] = status.observedGeneration;
  out["currentRevisions"] = status.currentRevisions;
  out["targetRevisions"] = status.targetRevisions;
  if (!status.lastDriftCheckTime.empty()) out["lastDriftCheckTime"] = status.lastDriftCheckTime;
  if (status.plan) {
    const Plan& p = *status.plan;
    out["plan"] = {{"direction", p.direction}, {"steps", p.steps}, {"from", p.from}, {"to", p.to},
                   {"dataLoss", p.dataLoss},   {"hash", p.hash}};
    // null, not absent: the status is written as a merge patch, where an absent key keeps the
    // old value (the API server prunes the nulls of a full update).
    out["plan"]["jobName"] = p.jobName.empty() ? json(nullptr) : json(p.jobName);
    out["plan"]["configMap"] = p.configMap.empty() ? json(nullptr) : json(p.configMap);
  }
  out["nextWindowStart"] =
      status.nextWindowStart.empty() ? json(nullptr) : json(status.nextWindowStart);
  if (status.planAttempt != 0) out["planAttempt"] = status.planAttempt;
  out["gate"] = nullptr;
  if (status.gate) {
    const GateStatus& g = *status.gate;
    out["gate"] = {
        {"name", g.name}, {"reason", g.reason}, {"message", g.message}, {"since", g.since}};
  }
  out["rehearsal"] = nullptr;
  if (status.rehearsal) {
    const RehearsalStatus& r = *status.rehearsal;
    out["rehearsal"] = {{"jobName", r.jobName},
                        {"planHash", r.planHash},
                        {"outcome", r.outcome},
                        {"reason", r.reason},
                        {"message", r.message},
                        {"seconds", r.seconds},
                        {"lockWaitSeconds", r.lockWaitSeconds},
                        {"time", r.time}};
    out["rehearsal"]["slowestStep"] = r.slowestStep.empty() ? json(nullptr) : json(r.slowestStep);
    out["rehearsal"]["failedStep"] = r.failedStep.empty() ? json(nullptr) : json(r.failedStep);
  }
  if (status.lastRun) {
    const LastRun& r = *status.lastRun;
    json run = {{"jobName", r.jobName}, {"outcome", r.outcome}};
    if (!r.startTime.empty()) run["startTime"] = r.startTime;
    if (!r.completionTime.empty()) run["completionTime"] = r.completionTime;
    if (!r.reason.empty()) run["reason"] = r.reason;
    if (!r.message.empty()) run["message"] = r.message;
    out["lastRun"] = run;
  }
  if (status.lastBackup) {
    const LastBackup& b = *status.lastBackup;
    out["lastBackup"] = {{"file", b.file}, {"bytes", b.bytes}, {"sha256", b.sha256}};
    if (!b.time.empty()) out["lastBackup"]["time"] = b.time;
  }
  json conditions = json::array();
  for (const Condition& c : status.conditions) {
    conditions.push_back({{"type", c.type},
                          {"status", c.status},
                          {"reason", c.reason},
                          {"message", c.message},
                          {"observedGeneration", c.observedGeneration},
                          {"lastTransitionTime", c.lastTransitionTime}});
  }
  out["conditions"] = conditions;
  return out;
}

SchemaVersion schemaVersionFromJson(const json& object) {
  requireObject(object, "");
  SchemaVersion out;
  const json* metadata = member(object, "metadata");
  if (!metadata) throw SpecError("metadata", "required");
  readString(*metadata, "name", "metadata", out.name);
  readString(*metadata, "namespace", "metadata", out.ns);
  readString(*metadata, "uid", "metadata", out.uid);
  readInt(*metadata, "generation", "metadata", out.generation, 0);
  if (const json* annotations = member(*metadata, "annotations");
      annotations && annotations->is_object())
    readString(*annotations, kApprovedPlanAnnotation, "metadata.annotations",
               out.approvedPlanAnnotation);
  const json* spec = member(object, "spec");
  if (!spec) throw SpecError("spec", "required");
  out.spec = specFromJson(*spec);
  if (const json* status = member(object, "status")) out.status = statusFromJson(*status);
  return out;
}

}  // namespace retort::op
