#!/usr/bin/env bash
# helm lint --strict of helm/retort with the default values and with values that turn every
# option on; then what the templates must render for each (leader election with replicas > 1,
# namespaced Roles and --namespace with watchNamespaces, restricted pod security, probes), and
# that values.schema.json refuses bad values; and that `helm package` yields a chart that lints
# and carries copies of the linked sources.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
need_kube_tools
need python3 python3
chart="$root/helm/retort"
all="$root/tests/delivery/values-all-options.yaml"

helm_quiet lint --strict "$chart" || fail "helm lint --strict (default values)"
helm_quiet lint --strict "$chart" -f "$all" || fail "helm lint --strict -f $all"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
helm_quiet template retort "$chart" -n retort-system >"$work/default.yaml"
helm_quiet template retort "$chart" -n retort-system -f "$all" >"$work/all.yaml"
helm_quiet template retort "$chart" -n retort-system --set replicas=3 >"$work/replicas.yaml"
python3 "$root/tests/delivery/check_rendered_chart.py" "$work/default.yaml" "$work/all.yaml" "$work/replicas.yaml"

# The schema refuses what the controller cannot do, naming the value.
refuse() { # <expected text> <helm --set args...>
  local want="$1" out
  shift
  if out="$(helm_quiet template retort "$chart" "$@" 2>&1)"; then
    fail "helm template $* was accepted; values.schema.json should refuse it"
  fi
  grep -q -- "$want" <<<"$out" || fail "helm template $*: error does not mention '$want': $out"
}
refuse "watchNamespaces" --set 'watchNamespaces={a,b}'
refuse "logFormat" --set logFormat=xml
refuse "replicas" --set replicas=-1
refuse "unknownKey" --set unknownKey=1
refuse "driftCheckInterval" --set driftCheckInterval=5minutes

# A packaged chart carries copies of the linked sources (CRD, RBAC, alerts) and still lints.
helm_quiet package "$chart" -d "$work" >/dev/null || fail "helm package $chart"
package="$(ls "$work"/retort-*.tgz)"
helm lint --strict "$package" || fail "helm lint --strict $package"
tar -xzf "$package" -C "$work" retort/crds/schemaversion.yaml retort/files/rbac.yaml
[ ! -L "$work/retort/crds/schemaversion.yaml" ] && cmp -s "$work/retort/crds/schemaversion.yaml" "$root/crds/schemaversion.yaml" ||
  fail "$package: crds/schemaversion.yaml is not a copy of crds/schemaversion.yaml"
cmp -s "$work/retort/files/rbac.yaml" "$root/manifests/base/rbac.yaml" ||
  fail "$package: files/rbac.yaml is not a copy of manifests/base/rbac.yaml"
echo "helm lint --strict and template checks passed"
