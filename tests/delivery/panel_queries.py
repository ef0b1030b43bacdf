#!/usr/bin/env python3
"""The PromQL of every panel of a Grafana dashboard (default dashboards/retort.json).

Importable (helper for the e2e test that asks a real Prometheus whether every panel returns
data) and a command:

  panel_queries.py [DASHBOARD] --list            one JSON object per line: panel, refId, expr, query
  panel_queries.py [DASHBOARD] --rules FILE      a Prometheus rules file with one recording rule
                                                 per query, for `promtool check rules FILE`
  panel_queries.py [DASHBOARD] --check-metrics   fails when a query names a retort_ metric that is
                                                 not in the operator's metric contract

`expr` is the query as written in the dashboard; `query` is the same with Grafana's variables
replaced by values Prometheus accepts ($namespace and $name by ".*", $__rate_interval by 1m, ...),
so it can be sent to Prometheus's /api/v1/query as is.
"""
import argparse
import json
import re
import sys
from pathlib import Path

DEFAULT_DASHBOARD = Path(__file__).resolve().parents[2] / "dashboards" / "retort.json"

# Grafana's built-in and the dashboard's variables -> values valid in PromQL. Longer names first
# so that $__rate_interval is not read as $__rate followed by text.
VARIABLES = {
    "$__rate_interval": "1m",
    "$__interval_ms": "60000",
    "$__interval": "1m",
    "$__range_s": "3600",
    "$__range_ms": "3600000",
    "$__range": "1h",
    "${namespace}": ".*",
    "$namespace": ".*",
    "${name}": ".*",
    "$name": ".*",
}

# The operator's metric contract (DESIGN.md section 8). Histograms expose _bucket/_sum/_count.
CONTRACT = {
    "retort_schemaversion_info", "retort_schemaversion_ready", "retort_schemaversion_stalled",
    "retort_schemaversion_pending_steps", "retort_schemaversion_drifted",
    "retort_schemaversion_last_success_timestamp_seconds",
    "retort_schemaversion_last_backup_timestamp_seconds",
    "retort_migrations_total", "retort_backups_total", "retort_drift_checks_total",
    "retort_reconcile_total", "retort_workqueue_depth", "retort_workqueue_adds_total",
    "retort_workqueue_retries_total", "retort_leader_is_leader",
    # Added with the gates (issue 19; DESIGN.md is read-only here, docs/operator.md lists it).
    "retort_schemaversion_gate_waiting_since_timestamp_seconds",
    # Added with the rehearsal gate (issue 20).
    "retort_rehearsals_total",
}
HISTOGRAMS = {
    "retort_migration_duration_seconds", "retort_backup_duration_seconds",
    "retort_reconcile_duration_seconds", "retort_workqueue_queue_duration_seconds",
    "retort_rehearsal_duration_seconds",
}
for h in HISTOGRAMS:
    CONTRACT |= {h + "_bucket", h + "_sum", h + "_count"}


def substitute(expr):
    """The expression with every Grafana variable replaced; raises on one it does not know."""
    out = expr
    for var in sorted(VARIABLES, key=len, reverse=True):
        out = out.replace(var, VARIABLES[var])
    left = re.findall(r"\$\{?\w+\}?", out)
    if left:
        raise ValueError(f"unknown Grafana variable(s) {sorted(set(left))} in: {expr}")
    return out


def _walk(panels):
    for panel in panels:
        yield panel
        yield from _walk(panel.get("panels", []))


def panel_queries(dashboard_path=DEFAULT_DASHBOARD):
    """[{panel, id, refId, expr, query}] for every target with an expr, in dashboard order."""
    dashboard = json.loads(Path(dashboard_path).read_text())
    queries = []
    for panel in _walk(dashboard.get("panels", [])):
        for target in panel.get("targets", []):
            expr = target.get("expr", "").strip()
            if not expr:
                continue
            queries.append({"panel": panel.get("title", ""), "id": panel.get("id"),
                            "refId": target.get("refId", ""), "expr": expr,
                            "query": substitute(expr)})
    return queries


def panels_without_queries(dashboard_path=DEFAULT_DASHBOARD):
    """Titles of the non-row panels that have no query (a panel that can never show data)."""
    dashboard = json.loads(Path(dashboard_path).read_text())
    return [p.get("title", "") for p in _walk(dashboard.get("panels", []))
            if p.get("type") != "row" and not any(t.get("expr", "").strip() for t in p.get("targets", []))]


def rules_file(queries):
    """A rules file (as a dict) with one recording rule per query: promtool parses each expr."""
    rules = [{"record": f"dashboard:panel{q['id']}_{q['refId']}:query", "expr": q["query"]}
             for q in queries]
    return {"groups": [{"name": "retort-dashboard-panel-queries", "rules": rules}]}


def unknown_metrics(queries):
    """[(panel, metric)] for retort_ metrics the queries use that the contract does not have."""
    bad = []
    for q in queries:
        for metric in re.findall(r"\b(retort_[a-z0-9_]+)\b", q["query"]):
            if metric not in CONTRACT:
                bad.append((q["panel"], metric))
    return bad


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dashboard", nargs="?", default=str(DEFAULT_DASHBOARD))
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--rules", metavar="FILE")
    parser.add_argument("--check-metrics", action="store_true")
    args = parser.parse_args()

    queries = panel_queries(args.dashboard)
    if not queries:
        sys.exit(f"{args.dashboard}: no panel queries found")
    status = 0
    if args.list:
        for q in queries:
            print(json.dumps(q))
    if args.rules:
        # JSON is YAML: no YAML library needed.
        Path(args.rules).write_text(json.dumps(rules_file(queries), indent=2) + "\n")
        print(f"{args.rules}: {len(queries)} recording rules", file=sys.stderr)
    if args.check_metrics:
        for title in panels_without_queries(args.dashboard):
            print(f"{args.dashboard}: panel {title!r} has no query", file=sys.stderr)
            status = 1
        for panel, metric in unknown_metrics(queries):
            print(f"{args.dashboard}: panel {panel!r} uses {metric}, which is not in the "
                  "operator's metric contract (DESIGN.md section 8)", file=sys.stderr)
            status = 1
        if status == 0:
            print(f"{args.dashboard}: {len(queries)} queries use only contract metrics", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
