-- Argo CD health check for retort.dev/SchemaVersion (resource.customizations.health.retort.dev_SchemaVersion).
-- Reads the kstatus conditions the controller writes (docs/operator.md): Stalled=True is Degraded,
-- Ready=True is Healthy, spec.suspend is Suspended, anything else (a Job running, a transient
-- failure being retried, a generation the controller has not seen yet) is Progressing.
local function condition(conditions, kind)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

local function describe(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  if c ~= nil and c.reason ~= nil and c.reason ~= "" then
    return c.reason
  end
  return fallback
end

-- The health Argo CD shows: one of Healthy, Progressing, Degraded, Suspended, and why.
local function health(state, message)
  return { status = state, message = message }
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

local status = obj.status
local generation = obj.metadata and obj.metadata.generation or nil
local conditions = status and status.conditions or nil
local stalled = condition(conditions, "Stalled")
local ready = condition(conditions, "Ready")
local reconciling = condition(conditions, "Reconciling")
local drifted = condition(conditions, "Drifted")

if obj.spec ~= nil and obj.spec.suspend == true then
  return health("Suspended", "spec.suspend is true: no migration is started")
end

-- A status written for an older spec says nothing about the current one.
if status == nil or (generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation)) then
  return health("Progressing", "Waiting for the controller to observe generation " .. tostring(generation or ""))
end

if isTrue(stalled) then
  return health("Degraded", describe(stalled, "Stalled"))
end

if isTrue(ready) then
  local message = describe(ready, "At the target revision")
  if isTrue(drifted) then
    message = message .. " (drift recorded: " .. describe(drifted, "Drifted") .. ")"
  end
  return health("Healthy", message)
end

if ready ~= nil and ready.reason == "Suspended" then
  return health("Suspended", describe(ready, "Suspended"))
end

if isTrue(reconciling) then
  return health("Progressing", describe(reconciling, "Migrating"))
end
return health("Progressing", describe(ready, "Waiting for Ready"))
