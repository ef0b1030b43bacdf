#!/usr/bin/env bash
# helm lint --strict of helm/retort with the default values and with values that turn every
# option on; then what the templates must render for each (leader election with replicas > 1,
# namespaced Roles and --namespace with watchNamespaces, restricted pod security, probes), and
# that values.schema.json refuses bad values.
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
echo "helm lint --strict and template checks passed"
