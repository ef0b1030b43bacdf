#!/usr/bin/env bash
# Runs the operator benchmarks (bench/operator/operator_bench.py) end to end: starts a control
# plane (tests/cluster/cluster.sh up, no node) and a PostgreSQL server (tests/support/postgres.sh),
# installs the CRD, runs the driver, and tears both down. Figures go to stdout as JSON (and to
# $OUT if set). Usage:
#   bench/operator/run.sh [--count 1000] [--changes 50] [--drift-interval 60s] [--window 120]
#                         [--baseline-retort OTHER_RETORT] [--library-floor build/bench/retort_library_floor]
#                         [--peer [--rounds 2]] [--databases N]
# --peer builds the controller-runtime peer (bench/peers/controller-runtime/build.sh, cached) and
# runs it and Retort in turn on the same objects, --rounds times each, figures side by side.
# --databases N: the N SchemaVersions share N databases (object i uses database i % N).
# Needs a built `retort` (RETORT, default build/controller/cli/retort). RETORT_BENCH_PG_URI
# reuses a running PostgreSQL (its bench_NNNN databases already at head are kept).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
retort=${RETORT:-$root/build/controller/cli/retort}
work=$(mktemp -d /tmp/retort-operator-bench.XXXXXX)
cluster="$work/cluster"
pg="$work/pg"

cleanup() {
  "$root/tests/cluster/cluster.sh" down "$cluster" >/dev/null 2>&1 || true
  [ -n "${RETORT_BENCH_PG_URI:-}" ] || "$root/tests/support/postgres.sh" down "$pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

kubeconfig=$("$root/tests/cluster/cluster.sh" up "$cluster" | tail -n 1)
# 1,000 databases take a while to create with fsync on; durability is not what is measured.
pg_uri=${RETORT_BENCH_PG_URI:-$("$root/tests/support/postgres.sh" up "$pg" fsync=off | tail -n 1)}
"$cluster/kubectl" --kubeconfig "$kubeconfig" apply -f "$root/crds/schemaversion.yaml" >/dev/null
# Not `kubectl wait --for=condition=Established`: on a CRD just created it fails at once.
established() {
  [ "$("$cluster/kubectl" --kubeconfig "$kubeconfig" get crd schemaversions.retort.dev \
    -o 'jsonpath={.status.conditions[?(@.type=="Established")].status}')" = True ]
}
for _ in $(seq 600); do established && break; sleep 0.1; done
established || { echo "run.sh: the SchemaVersion CRD did not become Established in 60 s" >&2; exit 1; }
args=()
for arg in "$@"; do
  if [ "$arg" = --peer ]; then
    args+=(--peer "$("$root/bench/peers/controller-runtime/build.sh")")
  else
    args+=("$arg")
  fi
done
scripts="$work/migrations"
cp -r "$root/migrations" "$scripts"

python3 "$root/bench/operator/operator_bench.py" --retort "$retort" --kubeconfig "$kubeconfig" \
  --kubectl "$cluster/kubectl" --pg-uri "$pg_uri" --scripts "$scripts" --out "${OUT:--}" "${args[@]}"
