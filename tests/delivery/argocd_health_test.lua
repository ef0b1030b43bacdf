-- Runs deploy/argocd/schemaversion-health.lua (path in arg[1]) against SchemaVersion samples, as
-- Argo CD does: the object is the global `obj`, the script returns {status, message}.
-- Usage: lua5.4 argocd_health_test.lua deploy/argocd/schemaversion-health.lua
local script = assert(arg[1], "usage: lua5.4 argocd_health_test.lua HEALTH_SCRIPT")
local chunk = assert(loadfile(script, "t"))

local function cond(kind, status, reason, message)
  return {type = kind, status = status, reason = reason, message = message}
end

local function sv(spec, generation, status)
  return {apiVersion = "retort.dev/v1alpha1", kind = "SchemaVersion",
          metadata = {name = "sweetshop", namespace = "shop", generation = generation},
          spec = spec, status = status}
end

local base = {targetRevision = "head", database = {secretRef = {name = "db"}},
              migrations = {image = "localhost/retort:0.1.0"}}

local cases = {
  {"new object without status", sv(base, 1, nil), "Progressing", "generation 1"},
  {"status of an older generation", sv(base, 3, {observedGeneration = 2,
     conditions = {cond("Ready", "True", "Succeeded", "At 2a3b7c4d5e07")}}), "Progressing", "generation 3"},
  {"Job running", sv(base, 1, {observedGeneration = 1, conditions = {
     cond("Reconciling", "True", "JobRunning", "Job sweetshop-g1-abc migrates to head"),
     cond("Ready", "False", "JobRunning", "Migrating")}}), "Progressing", "Job sweetshop-g1-abc"},
  {"transient failure retried", sv(base, 1, {observedGeneration = 1, conditions = {
     cond("Reconciling", "True", "Backoff", "DatabaseUnavailable; retrying in 30s"),
     cond("Ready", "False", "Backoff", "")}}), "Progressing", "retrying"},
  {"at target", sv(base, 2, {observedGeneration = 2, conditions = {
     cond("Ready", "True", "Succeeded", "At 2a3b7c4d5e07"),
     cond("Reconciling", "False", "Succeeded", ""), cond("Stalled", "False", "Succeeded", "")}}),
     "Healthy", "At 2a3b7c4d5e07"},
  {"at target with drift recorded", sv(base, 2, {observedGeneration = 2, conditions = {
     cond("Ready", "True", "Succeeded", "At 2a3b7c4d5e07"),
     cond("Drifted", "True", "HeadsChanged", "database at 8f1a6b2c3d06")}}),
     "Healthy", "drift recorded: database at 8f1a6b2c3d06"},
  {"step failed", sv(base, 4, {observedGeneration = 4, conditions = {
     cond("Stalled", "True", "StepFailed", "versions/0940_reviews.sql:12: relation \"sweets\" does not exist"),
     cond("Ready", "False", "StepFailed", "")}}), "Degraded", "0940_reviews.sql:12"},
  {"downgrade refused by policy", sv(base, 5, {observedGeneration = 5, conditions = {
     cond("Stalled", "True", "PolicyRefused", ""), cond("Ready", "False", "PolicyRefused", "")}}),
     "Degraded", "PolicyRefused"},
  {"suspended in spec", sv({targetRevision = "head", suspend = true}, 6, {observedGeneration = 5,
     conditions = {cond("Ready", "True", "Succeeded", "")}}), "Suspended", "spec.suspend"},
  {"suspended reported by the controller", sv(base, 6, {observedGeneration = 6, conditions = {
     cond("Ready", "False", "Suspended", "suspended: no new Job")}}), "Suspended", "no new Job"},
}

local failures = 0
for _, c in ipairs(cases) do
  local name, object, want_status, want_message = c[1], c[2], c[3], c[4]
  _G.obj = object
  local ok, hs = pcall(chunk)
  if not ok then
    failures = failures + 1
    print(string.format("FAIL %s: the script raised: %s", name, tostring(hs)))
  elseif type(hs) ~= "table" or hs.status ~= want_status then
    failures = failures + 1
    print(string.format("FAIL %s: status %s, want %s (message %q)", name, tostring(hs and hs.status),
      want_status, tostring(hs and hs.message)))
  elseif type(hs.message) ~= "string" or not hs.message:find(want_message, 1, true) then
    failures = failures + 1
    print(string.format("FAIL %s: message %q does not contain %q", name, tostring(hs.message), want_message))
  else
    print(string.format("ok   %s: %s (%s)", name, hs.status, hs.message))
  end
end
print(string.format("%d cases, %d failed", #cases, failures))
os.exit(failures == 0 and 0 or 1)
