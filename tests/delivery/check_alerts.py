#!/usr/bin/env python3
"""RULES DOC TEST...: every alert in RULES has severity, summary, description and a runbook_url
docs/delivery.md#<anchor> whose heading exists in DOC, and at least one promtool test in TEST
files expects it to fire."""
import re
import sys

import yaml


def anchors(markdown):
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes."""
    out = set()
    for line in markdown.splitlines():
        m = re.match(r"#{1,6}\s+(.*)", line)
        if m:
            out.add(re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-"))
    return out


def main():
    rules_path, doc_path, *test_paths = sys.argv[1:]
    doc_anchors = anchors(open(doc_path).read())
    fired = set()
    for path in test_paths:
        for test in yaml.safe_load(open(path))["tests"]:
            for case in test.get("alert_rule_test", []):
                if case.get("exp_alerts"):
                    fired.add(case["alertname"])
    failures = []
    count = 0
    for group in yaml.safe_load(open(rules_path))["groups"]:
        for rule in group["rules"]:
            name = rule.get("alert")
            if not name:
                continue
            count += 1
            where = f"{rules_path}: group {group['name']}, alert {name}"
            if rule.get("labels", {}).get("severity") not in ("critical", "warning", "info"):
                failures.append(f"{where}: labels.severity must be critical, warning or info")
            ann = rule.get("annotations", {})
            for key in ("summary", "description", "runbook_url"):
                if not ann.get(key):
                    failures.append(f"{where}: annotations.{key} is missing")
            url = ann.get("runbook_url", "")
            m = re.fullmatch(r"docs/delivery\.md#([\w-]+)", url)
            if not m:
                failures.append(f"{where}: annotations.runbook_url {url!r} is not docs/delivery.md#<anchor>")
            elif m.group(1) not in doc_anchors:
                failures.append(f"{where}: runbook anchor #{m.group(1)} has no heading in {doc_path}")
            if name not in fired:
                failures.append(f"{where}: no promtool test in {', '.join(test_paths)} expects it to fire")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    if not failures:
        print(f"{count} alerts: runbooks and firing tests present")
    return 1 if failures or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
