#!/usr/bin/env bash
# The CRD, the RBAC rules, the alerts and the Argo CD health check each have one source; every
# other place must carry exactly that source. Fails, naming both files, when a copy differs:
#  - the chart's CRD (helm show crds) and the kustomize base's CRD vs crds/schemaversion.yaml
#  - the chart's files/ links (RBAC rules, alerts) point at manifests/base and deploy/monitoring
#  - the Lua in helm/retort/README.md and docs/delivery.md vs deploy/argocd/schemaversion-health.lua
set -euo pipefail
source "$(dirname "$0")/tools.sh"
need_kube_tools
need python3 python3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
crd="$root/crds/schemaversion.yaml"

# helm show crds prints the file followed by one empty line.
helm_quiet show crds "$root/helm/retort" >"$work/chart-crds.yaml"
python3 - "$crd" "$work/chart-crds.yaml" <<'PY' || fail "helm/retort's CRD differs from crds/schemaversion.yaml"
import sys
a, b = (open(p).read().rstrip("\n") for p in sys.argv[1:3])
if a != b:
    import difflib
    sys.stderr.writelines(difflib.unified_diff(a.splitlines(True), b.splitlines(True), sys.argv[1], "helm show crds", n=1))
    sys.exit(1)
PY

# The kustomize base renders the same CRD object (kustomize re-serialises, so compare objects).
kubectl kustomize "$root/manifests/base" >"$work/base.yaml"
python3 - "$crd" "$work/base.yaml" <<'PY' || fail "manifests/base renders a CRD different from crds/schemaversion.yaml"
import sys, yaml
want = yaml.safe_load(open(sys.argv[1]))
got = [o for o in yaml.safe_load_all(open(sys.argv[2])) if o and o["kind"] == "CustomResourceDefinition"]
sys.exit(0 if got == [want] else 1)
PY

# The chart's links resolve to the sources (a copy instead of a link could drift).
for pair in "helm/retort/crds/schemaversion.yaml:crds/schemaversion.yaml" \
  "helm/retort/files/rbac.yaml:manifests/base/rbac.yaml" \
  "helm/retort/files/retort-alerts.yaml:deploy/monitoring/retort-alerts.yaml"; do
  link="$root/${pair%%:*}" source="$root/${pair##*:}"
  [ "$(realpath "$link")" = "$(realpath "$source")" ] ||
    fail "${pair%%:*} must be a link to ${pair##*:} (its one source), not a copy"
done

# The health check as documented is the tested file.
lua="$root/deploy/argocd/schemaversion-health.lua"
for doc in "$root/helm/retort/README.md" "$root/docs/delivery.md"; do
  python3 - "$lua" "$doc" <<'PY' || fail "$doc: its Lua health check differs from deploy/argocd/schemaversion-health.lua"
import re, sys
lua = open(sys.argv[1]).read().strip()
blocks = [b.strip() for b in re.findall(r"```lua\n(.*?)```", open(sys.argv[2]).read(), re.S)]
sys.exit(0 if lua in blocks else 1)
PY
done
echo "single sources: CRD, RBAC, alerts, health check agree"
