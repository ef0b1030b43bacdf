#!/usr/bin/env bash
# The operator demo: Retort's SchemaVersion controller, installed with Helm on a real one-node
# Kubernetes, moves the SweetShop database to the revision a manifest declares.
#
#   scripts/demo.sh [--keep]        (as root: the node cluster needs it)
#
# Steps: install the Debian packages, build `retort`, start the one-node cluster
# (tests/cluster/cluster.sh up --node) and a PostgreSQL that pods reach on the bridge address
# (password login), build and import the image, `helm install` the operator, apply the SweetShop
# dev SchemaVersion and wait for Ready, show `kubectl get sv` and the status, ask for an older
# revision (refused by policy: Stalled), allow the downgrade and watch it run, list the backups
# on the volume, print some of the operator's metrics. Everything it started is stopped at the
# end (or on an error); with --keep it stays up and the commands to explore and stop it are
# printed. The engine demo without Kubernetes is scripts/demo-engine.sh. RETORT_DEMO_CHART=DIR
# installs another chart directory instead of helm/retort.
set -euo pipefail

keep=0
case "${1:-}" in
  --keep) keep=1 ;;
  "") ;;
  *) echo "usage: $0 [--keep]" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "demo.sh: the node cluster needs root (run with sudo)" >&2; exit 1; }

root=$(cd "$(dirname "$0")/.." && pwd)
# The machine image keeps Go in /usr/local/go; non-interactive shells may not have it on PATH.
[ -x /usr/local/go/bin/go ] && export PATH="/usr/local/go/bin:$PATH"

work=$(mktemp -d /tmp/retort-demo.XXXXXX)
chmod 755 "$work"
cluster="$work/cluster"
chart="${RETORT_DEMO_CHART:-$root/helm/retort}"
ns=sweetshop-dev # the namespace of the dev overlay
release=retort
operator_ns=retort-system
older=4e7f5a9b2c05 # "reviews": two revisions below head
head=2a3b7c4d5e07  # "audit_log": the SweetShop's head

t0=$(date +%s.%N)
step_start=$t0
step_name=""
elapsed() { awk -v now="$(date +%s.%N)" -v then="$1" 'BEGIN { printf "%.1f", now - then }'; }
end_step() {
  [ -n "$step_name" ] && printf '   \033[2m(%s s)\033[0m\n' "$(elapsed "$step_start")"
  step_name=""
}
step() {
  end_step
  step_name="$*"
  step_start=$(date +%s.%N)
  printf '\n\033[1m[%6s s] == %s\033[0m\n' "$(elapsed "$t0")" "$*"
}
run() { printf '\033[36m$ %s\033[0m\n' "$*"; "$@"; }
# Runs a long command with its output (stdout and stderr) in LOG, and shows LOG's latest line
# every 10 s meanwhile (ninja's [done/total], cluster.sh's steps); on failure prints LOG's end.
with_progress() {
  local log=$1 status=0
  shift
  "$@" >"$log" 2>&1 &
  local pid=$!
  (
    while sleep 10; do
      printf '   ... %s s: %s\n' "$(elapsed "$step_start")" "$(tail -n 1 "$log" | cut -c1-110)"
    done
  ) &
  progress_pid=$!
  wait "$pid" || status=$?
  kill "$progress_pid" 2>/dev/null
  wait "$progress_pid" 2>/dev/null || true
  progress_pid=""
  [ "$status" = 0 ] || { tail -n 40 "$log" >&2; exit "$status"; }
}

cleanup() {
  local status=$? failed_step=$step_name
  set +e
  end_step
  if [ "$keep" = 1 ] && [ "$status" = 0 ]; then
    cat <<EOF

Kept running. To explore:
  source $cluster/env.sh           # KUBECONFIG, kubectl and helm on PATH
  kubectl get sv -A
  kubectl -n $ns get sv sweetshop -o yaml
  kubectl -n $ns get jobs,pods
  kubectl -n $operator_ns logs deploy/retort-controller
  helm -n $operator_ns status $release
  ls -l $work/backups
To stop everything:
  $root/tests/cluster/cluster.sh down $cluster && $root/tests/support/postgres.sh down $work/pg && rm -rf $work
EOF
    return
  fi
  [ "$status" = 0 ] || echo "demo.sh: failed (exit $status) in step: ${failed_step:-?}; stopping what it started" >&2
  printf '\n\033[1m[%6s s] == Stopping everything it started\033[0m\n' "$(elapsed "$t0")"
  [ -n "${progress_pid:-}" ] && kill "$progress_pid" 2>/dev/null
  [ -d "$cluster" ] && "$root/tests/cluster/cluster.sh" down "$cluster" >"$work/down.log" 2>&1
  "$root/tests/support/postgres.sh" down "$work/pg" >/dev/null 2>&1
  rm -rf "$work"
  printf '[%6s s] done\n' "$(elapsed "$t0")"
}
trap cleanup EXIT

step "Installing Debian packages (scripts/install-deps.sh)"
"$root/scripts/install-deps.sh"

step "Building retort (scripts/build.sh; from nothing: about 40 min on 2 cores)"
TARGETS=retort with_progress "$work/build.log" "$root/scripts/build.sh"
grep -v '^ninja: ' "$work/build.log" | tail -n 2
retort="$root/build/controller/cli/retort"
"$retort" --version

step "Starting the one-node cluster (builds the Kubernetes binaries on first use: about 30 min)"
with_progress "$work/up.log" "$root/tests/cluster/cluster.sh" up --node "$cluster"
# shellcheck disable=SC1091
set +u; source "$cluster/env.sh"; set -u
kubectl get nodes

step "Starting PostgreSQL on 127.0.0.1 and the bridge address $RETORT_NODE_HOST_IP"
# Pods log in with a password (scram-sha-256) from the pod range; the host keeps the test
# server's local trust. The password goes through files and stdin, never a command line.
RETORT_PG_EXTRA_LISTEN=$RETORT_NODE_HOST_IP "$root/tests/support/postgres.sh" up "$work/pg" >"$work/pg.url"
admin_url=$(tail -n 1 "$work/pg.url")
port=${admin_url##*:}
port=${port%%/*}
password=$(openssl rand -hex 16)
psql -X -q -v ON_ERROR_STOP=1 "$admin_url" <<EOF
CREATE ROLE sweetshop LOGIN PASSWORD '$password';
CREATE DATABASE sweetshop OWNER sweetshop;
EOF
echo "host sweetshop sweetshop $RETORT_NODE_POD_CIDR scram-sha-256" >>"$work/pg/cluster/data/pg_hba.conf"
runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl" \
  -D "$work/pg/cluster/data" reload >/dev/null
umask 077
printf 'postgresql://sweetshop:%s@%s:%s/sweetshop' "$password" "$RETORT_NODE_HOST_IP" "$port" >"$work/db-uri"
umask 022
unset password
echo "database sweetshop on $RETORT_NODE_HOST_IP:$port, user sweetshop (password in the Secret only)"

step "Building the image and importing it into the node (scripts/image.sh --import)"
image=$("$root/scripts/image.sh" --import "$cluster" 2>"$work/image.log" | tail -n 1)
grep 'archive' "$work/image.log" | sed 's/^/   /'
echo "$image"

step "Installing the operator with Helm ($chart)"
run helm install "$release" "$chart" --namespace "$operator_ns" --create-namespace --wait --timeout 180s
run kubectl -n "$operator_ns" get deploy,pods,svc

step "Creating namespace $ns, the database Secret and the backup volume"
kubectl create namespace "$ns" --save-config
kubectl label namespace "$ns" pod-security.kubernetes.io/enforce=restricted >/dev/null
kubectl -n "$ns" create secret generic sweetshop-db --from-file=uri="$work/db-uri"
rm -f "$work/db-uri"
# The overlay's claim sweetshop-backups binds to a hostPath PersistentVolume (the node has no
# storage provisioner). The migration pod runs as 65532, and hostPath volumes ignore fsGroup.
mkdir -p "$work/backups"
chown 65532:65532 "$work/backups"
kubectl apply -f - <<EOF
apiVersion: v1
kind: PersistentVolume
metadata: {name: sweetshop-dev-backups}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath: {path: $work/backups, type: Directory}
  claimRef: {namespace: $ns, name: sweetshop-backups}
EOF

step "Applying the SweetShop dev SchemaVersion (manifests/sweetshop/dev: target head) and waiting for Ready"
run kubectl apply -k "$root/manifests/sweetshop/dev"
run kubectl -n "$ns" wait --for=condition=Ready sv/sweetshop --timeout=300s

step "kubectl get sv, and the status the operator wrote"
run kubectl get sv -A
echo "\$ kubectl -n $ns get sv sweetshop -o yaml   (its status)"
kubectl -n "$ns" get sv sweetshop -o yaml | sed -n '/^status:/,$p'

step "Asking for an older revision ($older) while the policy forbids downgrades"
run kubectl -n "$ns" patch sv sweetshop --type merge -p "{\"spec\":{\"targetRevision\":\"$older\"}}"
run kubectl -n "$ns" wait --for=condition=Stalled sv/sweetshop --timeout=180s
run kubectl get sv -A
kubectl -n "$ns" get sv sweetshop -o \
  jsonpath='Stalled: {.status.conditions[?(@.type=="Stalled")].reason}: {.status.conditions[?(@.type=="Stalled")].message}{"\n"}current: {.status.currentRevisions}{"\n"}'

step "Allowing the downgrade (spec.policy.allowDowngrade: true): it runs, after a backup"
run kubectl -n "$ns" patch sv sweetshop --type merge -p '{"spec":{"policy":{"allowDowngrade":true}}}'
run kubectl -n "$ns" wait --for=jsonpath='{.status.currentRevisions[0]}'="$older" sv/sweetshop --timeout=300s
run kubectl -n "$ns" wait --for=condition=Ready sv/sweetshop --timeout=120s
run kubectl get sv -A
kubectl -n "$ns" get sv sweetshop -o \
  jsonpath='plan: {.status.plan.direction} {.status.plan.steps} steps, {.status.plan.from} -> {.status.plan.to}{"\n"}last run: {.status.lastRun.jobName} {.status.lastRun.outcome}{"\n"}last backup: {.status.lastBackup.file}{"\n"}'
run kubectl -n "$ns" get jobs
job=$(kubectl -n "$ns" get sv sweetshop -o jsonpath='{.status.lastRun.jobName}')
echo "\$ kubectl -n $ns logs job/$job   (the downgrade's Job: plan, backup, steps)"
kubectl -n "$ns" logs "job/$job" | tail -n 15

step "A gated move: back to head with spec.approval.required, its exact plan approved (kubectl retort)"
export PATH="$root/deploy/kubectl-plugin:$PATH"  # kubectl finds the plugin kubectl-retort there
run kubectl -n "$ns" patch sv sweetshop --type merge -p '{"spec":{"targetRevision":"head","approval":{"required":true}}}'
run kubectl -n "$ns" wait --for=jsonpath='{.status.gate.reason}'=AwaitingApproval sv/sweetshop --timeout=180s
run kubectl retort status sweetshop -n "$ns"
run kubectl retort plan sweetshop -n "$ns"
run kubectl retort approve sweetshop -n "$ns"
run kubectl -n "$ns" wait --for=jsonpath='{.status.currentRevisions[0]}'="$head" sv/sweetshop --timeout=300s
run kubectl -n "$ns" wait --for=condition=Ready sv/sweetshop --timeout=120s
run kubectl get sv -A

step "The backups on the volume ($work/backups)"
run ls -l "$work/backups"
for sidecar in "$work"/backups/*.json; do
  [ -f "$sidecar" ] || continue
  echo "--- $(basename "$sidecar")"
  head -c 600 "$sidecar"
  echo
done

step "Some of the operator's metrics (its metrics Service, from the host)"
svc_ip=$(kubectl -n "$operator_ns" get svc -l app.kubernetes.io/name=retort -o jsonpath='{.items[0].spec.clusterIP}')
svc_port=$(kubectl -n "$operator_ns" get svc -l app.kubernetes.io/name=retort -o jsonpath='{.items[0].spec.ports[0].port}')
echo "\$ curl http://$svc_ip:$svc_port/metrics | grep ..."
curl -fsS --max-time 10 "http://$svc_ip:$svc_port/metrics" >"$work/metrics.txt"
grep -E '^retort_(schemaversion_(info|ready|stalled|pending_steps)|migrations_total|backups_total|reconcile_total|leader_is_leader)' \
  "$work/metrics.txt" | grep -v '^#' | sed -n '1,25p'
grep -E '^retort_migration_duration_seconds_(sum|count)' "$work/metrics.txt" | sed -n '1,4p'

end_step
printf '\n\033[1mDemo finished in %s s.\033[0m\n' "$(elapsed "$t0")"
