#!/usr/bin/env bash
# Every rendered manifest passes `kubectl apply --dry-run=server` on a real kube-apiserver
# (tests/cluster/cluster.sh: etcd + kube-apiserver on loopback): the Helm chart with default
# values (CRD included), with watchNamespaces and with two replicas (leader election), and
# `kubectl apply -k` of manifests/base and of each SweetShop overlay.
# The CRD is applied for real first so that the SchemaVersions are validated against it (OpenAPI
# and CEL); the namespaces are created for real because a dry-run Namespace does not exist for
# the objects in it. A SchemaVersion the CRD must refuse is refused, so the dry runs prove
# something.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
need_kube_tools
dir="$(mktemp -d "${TMPDIR:-/tmp}/retort-delivery-dry-run.XXXXXX")"
cleanup() {
  "$root/tests/cluster/cluster.sh" down "$dir" >/dev/null 2>&1 || true
}
trap cleanup EXIT
# The watchdog tears the cluster down even if this script is killed.
KUBECONFIG="$(RETORT_CLUSTER_OWNER_PID=$$ "$root/tests/cluster/cluster.sh" up "$dir" | tail -n1)"
export KUBECONFIG
[ -f "$KUBECONFIG" ] || fail "cluster.sh up did not print a kubeconfig"

kubectl apply -f "$root/crds/schemaversion.yaml" >/dev/null || fail "applying crds/schemaversion.yaml"
# Not `kubectl wait --for=condition=Established`: on a CRD just created, with no conditions yet,
# it fails at once instead of waiting.
established() {
  [ "$(kubectl get crd schemaversions.retort.dev \
    -o 'jsonpath={.status.conditions[?(@.type=="Established")].status}' 2>/dev/null)" = True ]
}
for _ in $(seq 600); do established && break; sleep 0.1; done
established || fail "the SchemaVersion CRD did not become Established within 60 s"
for ns in retort-system shop sweetshop-dev sweetshop-staging sweetshop-production; do
  kubectl create namespace "$ns" >/dev/null
done

work="$dir/rendered"
mkdir -p "$work"
helm_quiet template retort "$root/helm/retort" -n retort-system --include-crds >"$work/helm-default.yaml"
helm_quiet template retort "$root/helm/retort" -n retort-system --set 'watchNamespaces={shop}' \
  >"$work/helm-watch-namespaces.yaml"
helm_quiet template retort "$root/helm/retort" -n retort-system --set replicas=2 >"$work/helm-leader-election.yaml"
kubectl kustomize "$root/manifests/base" >"$work/kustomize-base.yaml"
for env in dev staging production; do
  kubectl kustomize "$root/manifests/sweetshop/$env" >"$work/sweetshop-$env.yaml"
done

dry_run() { # <rendered file> [kustomize dir]: every object accepted by the server, none left out
  local file="$1" source=(-f "$1") out objects accepted
  [ -n "${2:-}" ] && source=(-k "$2") # what `kubectl apply -k` does, from the directory itself
  out="$(kubectl apply --dry-run=server "${source[@]}" 2>&1)" ||
    fail "kubectl apply --dry-run=server ${source[*]}:
$out"
  objects="$(grep -c '^kind:' "$file")"
  accepted="$(grep -c '(server dry run)' <<<"$out" || true)"
  [ "$objects" -gt 0 ] && [ "$accepted" = "$objects" ] ||
    fail "${source[*]}: $objects objects, $accepted accepted by the server dry run:
$out"
  echo "ok   ${source[*]#"$root/"}: $accepted objects accepted"
}
dry_run "$work/helm-default.yaml"
dry_run "$work/helm-watch-namespaces.yaml"
dry_run "$work/helm-leader-election.yaml"
dry_run "$work/kustomize-base.yaml" "$root/manifests/base"
for env in dev staging production; do
  dry_run "$work/sweetshop-$env.yaml" "$root/manifests/sweetshop/$env"
done

# The SchemaVersions really were validated: a bad one is refused with its field path.
sed 's/mode: Required/mode: Sometimes/' "$work/sweetshop-staging.yaml" >"$dir/bad.yaml"
if out="$(kubectl apply --dry-run=server -f "$dir/bad.yaml" 2>&1)"; then
  fail "a SchemaVersion with backup.mode Sometimes passed the server dry run"
fi
grep -q 'spec.backup.mode' <<<"$out" || fail "the refusal does not name spec.backup.mode: $out"
echo "ok   a bad SchemaVersion is refused: $(grep -o 'spec.backup.mode[^,]*' <<<"$out" | head -n1)"
