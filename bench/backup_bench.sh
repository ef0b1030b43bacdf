#!/usr/bin/env bash
# `retort backup` against the same `pg_dump` invocation alone, side by side and interleaved in
# one run, on a generated database of SIZE_MB megabytes (default 1024; bench/backup/generate.sql,
# reproducible). Each round runs these three, in an order that rotates from round to round:
#   A  pg_dump --format=custom --file F --dbname DB        (what retort runs, alone)
#   B  retort backup                                       (whole process; its verification,
#                                                           pg_restore --list + sha256, apart)
#   C  pg_dump --format=directory --jobs 2 --file D ...    (the alternative format)
# after one untimed warm-up dump, so every timed run reads a warm page cache. Prints each round,
# then the medians, the ratio B/A (issue 10's goal: at most 1.1) and C/A, the sizes, and the
# machine's load average before and after (other work on the machine skews the figures).
# Needs a built retort (build/controller/cli/retort, or RETORT=...).
#
#   bench/backup_bench.sh [SIZE_MB] [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size_mb=${1:-1024}
rounds=${2:-3}
retort=${RETORT:-$root/build/controller/cli/retort}
[ -x "$retort" ] || { echo "backup_bench.sh: no retort at $retort (build it first)" >&2; exit 1; }
work=$(mktemp -d /tmp/retort-backup-bench.XXXXXX)
chmod 755 "$work"
trap '"$root/tests/support/postgres.sh" down "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

uri=$("$root/tests/support/postgres.sh" up "$work/pg" | tail -n 1)
base=${uri%/*}
psql -q -d "$uri" -c "CREATE DATABASE bench" >/dev/null
db="$base/bench"
echo "generating about ${size_mb} MB ..." >&2
gen_start=$(date +%s.%N)
psql -q -v ON_ERROR_STOP=1 -v size_mb="$size_mb" -d "$db" -f "$root/bench/backup/generate.sql"
echo "generated in $(echo "$(date +%s.%N) - $gen_start" | bc -l | xargs printf '%.0f') s" >&2
echo "database size: $(psql -Atq -d "$db" -c "SELECT pg_database_size('bench')") bytes" \
  "($(psql -Atq -d "$db" -c "SELECT pg_size_pretty(pg_database_size('bench'))"))"
echo "pg_dump: $(pg_dump --version); $("$retort" --version); cores: $(nproc)"
mkdir -p "$work/plain" "$work/retort" "$work/scripts/versions"

now() { date +%s.%N; }
seconds() { echo "$2 - $1" | bc -l; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
pg_dump --format=custom --file "$work/plain/warmup.dump" --dbname "$db"
rm -f "$work/plain/warmup.dump"

plain=() retort_dump=() retort_verify=() directory=()
printf '%-6s %10s %14s %16s %12s %9s\n' round A_pg_dump B_retort_dump B_retort_verify C_dir_j2 B/A
run_a() {
  local t0; t0=$(now)
  pg_dump --format=custom --file "$work/plain/bench.dump" --dbname "$db"
  a=$(seconds "$t0" "$(now)")
}
run_b() {
  local t0 t1 out; t0=$(now)
  out=$(DATABASE_URL="$db" "$retort" -q -d "$work/scripts" backup --backup-dir "$work/retort" \
        --backup-keep 1)
  t1=$(now)
  verify=$(sed -n 's/^  verify seconds: //p' <<<"$out")
  [ -n "$verify" ] || { echo "retort backup printed no verify seconds: $out" >&2; exit 1; }
  b=$(echo "$(seconds "$t0" "$t1") - $verify" | bc -l)
}
run_c() {
  local t0; t0=$(now)
  pg_dump --format=directory --jobs 2 --file "$work/dir" --dbname "$db"
  c=$(seconds "$t0" "$(now)")
}
# The order rotates (A B C, B C A, C A B, ...) so that a trend in the machine's load during the
# run does not always fall on the same one.
orders=("a b c" "b c a" "c a b")
for round in $(seq 1 "$rounds"); do
  rm -rf "$work/plain/"* "$work/dir"
  for which in ${orders[$(((round - 1) % 3))]}; do "run_$which"; done
  plain+=("$a") retort_dump+=("$b") retort_verify+=("$verify") directory+=("$c")
  printf '%-6s %10.2f %14.2f %16.2f %12.2f %9.3f\n' "$round" "$a" "$b" "$verify" "$c" \
    "$(echo "$b / $a" | bc -l)"
done
ma=$(median "${plain[@]}") mb=$(median "${retort_dump[@]}") mv=$(median "${retort_verify[@]}")
mc=$(median "${directory[@]}")
printf '%-6s %10.2f %14.2f %16.2f %12.2f %9.3f\n' median "$ma" "$mb" "$mv" "$mc" \
  "$(echo "$mb / $ma" | bc -l)"
printf 'ratio of medians: retort backup / pg_dump = %.3f (goal <= 1.1); directory -j 2 / custom = %.3f\n' \
  "$(echo "$mb / $ma" | bc -l)" "$(echo "$mc / $ma" | bc -l)"
echo "sizes: custom $(stat -c %s "$work/plain/bench.dump") bytes;" \
  "retort $(stat -c %s "$work/retort/"*.dump) bytes; directory $(du -sb "$work/dir" | cut -f1) bytes"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
