#!/usr/bin/env bash
# Runs bench/live_traffic/live_traffic_bench.py on a throwaway PostgreSQL on loopback
# (tests/support/postgres.sh) and tears it down. Needs a built retort (RETORT, default
# build/controller/cli/retort) and Debian's PostgreSQL 15 (pgbench). Arguments go to the driver.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/retort-live-bench.XXXXXX)
trap '"$root/tests/support/postgres.sh" down "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
pg_uri=$("$root/tests/support/postgres.sh" up "$work/pg" | tail -n 1)
/usr/bin/python3 "$root/bench/live_traffic/live_traffic_bench.py" \
  --retort "${RETORT:-$root/build/controller/cli/retort}" --pg-uri "$pg_uri" "$@"
