#!/usr/bin/env bash
# `retort backup` against the same `pg_dump` invocation alone, side by side in one run, on a
# generated database of SIZE_MB megabytes (default 1024). Verification (pg_restore --list and
# sha256) is reported apart from the dump. Needs a built retort (build/controller/cli/retort).
#
#   bench/backup_bench.sh [SIZE_MB] [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size_mb=${1:-1024}
rounds=${2:-3}
retort=${RETORT:-$root/build/controller/cli/retort}
work=$(mktemp -d /tmp/retort-backup-bench.XXXXXX)
chmod 755 "$work"
trap '"$root/tests/support/postgres.sh" down "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

uri=$("$root/tests/support/postgres.sh" up "$work/pg" | tail -n 1)
base=${uri%/*}
psql -q -d "$uri" -c "CREATE DATABASE bench" >/dev/null
db="$base/bench"
echo "generating about ${size_mb} MB ..." >&2
psql -q -v ON_ERROR_STOP=1 -v size_mb="$size_mb" -d "$db" -f "$root/bench/backup/generate.sql"
actual=$(psql -Atq -d "$db" -c "SELECT pg_size_pretty(pg_database_size('bench'))")
echo "database size: $actual"
mkdir -p "$work/plain" "$work/retort" "$work/scripts/versions"

now() { date +%s.%N; }
printf '%-6s %12s %14s %14s %10s\n' round pg_dump_s retort_dump_s retort_verify_s ratio
for round in $(seq 1 "$rounds"); do
  rm -f "$work/plain/"*
  t0=$(now)
  pg_dump --format=custom --file "$work/plain/bench.dump" --dbname "$db"
  t1=$(now)
  out=$(DATABASE_URL="$db" "$retort" -q -d "$work/scripts" backup --backup-dir "$work/retort" \
        --backup-keep 1)
  t2=$(now)
  verify=$(sed -n 's/^  verify seconds: //p' <<<"$out")
  plain=$(echo "$t1 - $t0" | bc -l)
  total=$(echo "$t2 - $t1" | bc -l)
  dump=$(echo "$total - $verify" | bc -l)
  ratio=$(echo "$dump / $plain" | bc -l)
  printf '%-6s %12.2f %14.2f %14.2f %10.3f\n' "$round" "$plain" "$dump" "$verify" "$ratio"
done
ls -l "$work/plain" "$work/retort" | grep dump || true
