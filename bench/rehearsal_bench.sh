#!/usr/bin/env bash
# `retort rehearse` against the bare copy it is built on, side by side and alternating in one
# run, on a generated database of SIZE_MB megabytes (default 1024; bench/backup/generate.sql):
#   A  pg_dump --format=custom, createdb, pg_restore --jobs 2, dropdb   (the copy, by hand)
#   B  retort rehearse r1 --scratch-url ... --jobs 2                   (a fresh verified backup,
#      the leftover check, the restore into a scratch database, a one-step plan on it, the drop)
# after one untimed warm-up dump. Prints each round, the medians and the ratio B/A (issue 20's
# goal: at most 1.2), and the load average before and after. Needs a built retort
# (build/controller/cli/retort, or RETORT=...).
#
#   bench/rehearsal_bench.sh [SIZE_MB] [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size_mb=${1:-1024}
rounds=${2:-3}
retort=${RETORT:-$root/build/controller/cli/retort}
[ -x "$retort" ] || { echo "rehearsal_bench.sh: no retort at $retort (build it first)" >&2; exit 1; }
work=$(mktemp -d /tmp/retort-rehearsal-bench.XXXXXX)
chmod 755 "$work"
trap '"$root/tests/support/postgres.sh" down "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

uri=$("$root/tests/support/postgres.sh" up "$work/pg" | tail -n 1)
base=${uri%/*}
psql -q -d "$uri" -c "CREATE DATABASE bench" >/dev/null
db="$base/bench"
echo "generating about ${size_mb} MB ..." >&2
psql -q -v ON_ERROR_STOP=1 -v size_mb="$size_mb" -d "$db" -f "$root/bench/backup/generate.sql"
echo "database size: $(psql -Atq -d "$db" -c "SELECT pg_size_pretty(pg_database_size('bench'))")"
echo "pg_dump: $(pg_dump --version); $("$retort" --version); cores: $(nproc)"

# The plan: one step on the generated database (no version table yet: base -> r1).
mkdir -p "$work/scripts/versions" "$work/plain"
cat >"$work/scripts/versions/r1_marker.sql" <<'EOF'
-- revision: r1
-- down_revision:
-- message: marker

-- migrate:upgrade
CREATE TABLE rehearsal_marker (id integer);

-- migrate:downgrade
DROP TABLE rehearsal_marker;
EOF

now() { date +%s.%N; }
seconds() { echo "$2 - $1" | bc -l; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
pg_dump --format=custom --file "$work/plain/warmup.dump" --dbname "$db"
rm -f "$work/plain/warmup.dump"

run_a() {
  local t0; t0=$(now)
  pg_dump --format=custom --file "$work/plain/bench.dump" --dbname "$db"
  psql -q -d "$uri" -c "CREATE DATABASE copy TEMPLATE template0" >/dev/null
  pg_restore --exit-on-error --jobs 2 --dbname "$base/copy" "$work/plain/bench.dump"
  psql -q -d "$uri" -c "DROP DATABASE copy" >/dev/null
  a=$(seconds "$t0" "$(now)")
  rm -f "$work/plain/bench.dump"
}
run_b() {
  local t0; t0=$(now)
  DATABASE_URL="$db" "$retort" -q -d "$work/scripts" rehearse r1 --scratch-url "$uri" \
    --jobs 2 --report "$work/report.json" >/dev/null
  b=$(seconds "$t0" "$(now)")
}
as=() bs=()
printf '%-6s %14s %16s %8s\n' round A_dump_restore B_retort_rehearse B/A
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then run_a; run_b; else run_b; run_a; fi
  as+=("$a") bs+=("$b")
  printf '%-6s %14.2f %16.2f %8.3f\n' "$round" "$a" "$b" "$(echo "$b / $a" | bc -l)"
done
ma=$(median "${as[@]}") mb=$(median "${bs[@]}")
printf '%-6s %14.2f %16.2f %8.3f\n' median "$ma" "$mb" "$(echo "$mb / $ma" | bc -l)"
printf 'ratio of medians: retort rehearse / (pg_dump + pg_restore -j 2) = %.3f (goal <= 1.2)\n' \
  "$(echo "$mb / $ma" | bc -l)"
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); h=r['rehearsal']; print('last rehearsal: outcome %s, backup %.1f s, restore %.1f s, migrate %.3f s' % (r['outcome'], r['backup']['seconds'], h['restoreSeconds'], h['migrateSeconds']))" "$work/report.json"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
