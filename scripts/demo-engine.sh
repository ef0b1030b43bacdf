#!/usr/bin/env bash
# The engine demo (no Kubernetes): a throwaway local PostgreSQL, the SweetShop migrated to head with Retort, and
# what Retort knows about it (current revision, history, plan, checksums, the audit trail).
# Everything it starts is stopped on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The machine image keeps Go in /usr/local/go; non-interactive shells may not have it on PATH.
[ -x /usr/local/go/bin/go ] && export PATH="/usr/local/go/bin:$PATH"
"$root/scripts/install-deps.sh"
TARGETS=retort "$root/scripts/build.sh"
retort="$root/build/controller/cli/retort"

work=$(mktemp -d /tmp/retort-demo.XXXXXX)
trap '"$root/tests/support/postgres.sh" down "$work/pg" >/dev/null 2>&1; rm -rf "$work"' EXIT
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Starting a throwaway PostgreSQL on 127.0.0.1"
export DATABASE_URL=$("$root/tests/support/postgres.sh" up "$work/pg" | tail -n 1)
echo "$DATABASE_URL"
cd "$root"

step "retort history  (the SweetShop's revisions, newest first)"
"$retort" history
step "retort plan head  (what an upgrade would run)"
"$retort" plan head
step "retort upgrade head"
"$retort" upgrade head
step "retort current"
"$retort" current
step "retort history --indicate-current"
"$retort" history -i 2>/dev/null
step "Tables in the database"
psql -X -q "$DATABASE_URL" -c '\dt'
step "retort downgrade -1, then upgrade +1"
"$retort" downgrade -1
"$retort" upgrade +1
step "retort verify  (applied scripts unchanged since they ran)"
"$retort" verify
step "The audit trail: alembic_version_history"
psql -X -q "$DATABASE_URL" -c "SELECT id, revision, operation, round(duration_ms::numeric, 1) AS ms, success, installed_by FROM alembic_version_history ORDER BY id"
step "Done; stopping PostgreSQL"
