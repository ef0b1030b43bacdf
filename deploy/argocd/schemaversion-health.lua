-- Argo CD health check for retort.dev/SchemaVersion (resource.customizations.health.retort.dev_SchemaVersion).
-- Reads the kstatus conditions the controller writes (docs/operator.md): Stalled=True is Degraded,
-- Ready=True is Healthy, spec.suspend is Suspended, anything else (a Job running, a transient
-- failure being retried, a generation the controller has not seen yet) is Progressing.
local hs = {}

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

local status = obj.status
local generation = obj.metadata and obj.metadata.generation or nil
local conditions = status and status.conditions or nil
local stalled = condition(conditions, "Stalled")
local ready = condition(conditions, "Ready")
local reconciling = condition(conditions, "Reconciling")
local drifted = condition(conditions, "Drifted")

if obj.spec ~= nil and obj.spec.suspend == true then
  hs.status = "Suspended"
  hs.message = "spec.suspend is true: no migration is started"
  return hs
end

-- A status written for an older spec says nothing about the current one.
if status == nil or (generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation)) then
  hs.status = "Progressing"
  hs.message = "Waiting for the controller to observe generation " .. tostring(generation or "")
  return hs
end

if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(stalled, "Stalled")
  return hs
end

if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(ready, "At the target revision")
  if drifted ~= nil and drifted.status == "True" then
    hs.message = hs.message .. " (drift recorded: " .. describe(drifted, "Drifted") .. ")"
  end
  return hs
end

if ready ~= nil and ready.reason == "Suspended" then
  hs.status = "Suspended"
  hs.message = describe(ready, "Suspended")
  return hs
end

hs.status = "Progressing"
if reconciling ~= nil and reconciling.status == "True" then
  hs.message = describe(reconciling, "Migrating")
else
  hs.message = describe(ready, "Waiting for Ready")
end
return hs
