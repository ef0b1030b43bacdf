#!/usr/bin/env bash
# The Argo CD health check for SchemaVersion, run by a real Lua 5.4 against status samples.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
need lua5.4 lua5.4
lua5.4 "$root/tests/delivery/argocd_health_test.lua" "$root/deploy/argocd/schemaversion-health.lua"
