#!/usr/bin/env bash
# Every panel query of dashboards/retort.json parses (promtool check rules on a rules file with
# one recording rule per query, Grafana variables substituted) and uses only the operator's
# contract metrics. First, that the check can fail: a broken query must be refused.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
need promtool prometheus
need python3 python3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
queries="$root/tests/delivery/panel_queries.py"
dashboard="$root/dashboards/retort.json"

python3 -m json.tool "$dashboard" >/dev/null || fail "$dashboard is not valid JSON"

# A dashboard with a query that does not parse must fail the same pipeline.
python3 - "$dashboard" "$work/broken.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
next(p for p in d["panels"] if p.get("targets"))["targets"][0]["expr"] = "sum by (namespace (retort_migrations_total"
json.dump(d, open(sys.argv[2], "w"))
PY
python3 "$queries" "$work/broken.json" --rules "$work/broken-rules.json"
if promtool check rules "$work/broken-rules.json" >/dev/null 2>&1; then
  fail "promtool check rules accepted a broken query: the check below would prove nothing"
fi

python3 "$queries" "$dashboard" --rules "$work/panel-rules.json" --check-metrics ||
  fail "$dashboard: a panel has no query or uses a metric outside the contract"
promtool check rules "$work/panel-rules.json" || fail "$dashboard: a panel query does not parse (above)"
echo "dashboard: every panel query parses"
