#!/usr/bin/env bash
# promtool check rules and promtool test rules on deploy/monitoring/retort-alerts.yaml; then
# every alert has a runbook section in docs/delivery.md and a unit test that makes it fire.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
need promtool prometheus
need python3 python3
rules="$root/deploy/monitoring/retort-alerts.yaml"
promtool check rules "$rules" || fail "promtool check rules $rules"
promtool test rules "$root/tests/delivery/alerts_test.yaml" "$root/tests/delivery/alerts_backup_age_test.yaml" ||
  fail "promtool test rules"
python3 "$root/tests/delivery/check_alerts.py" "$rules" "$root/docs/delivery.md" \
  "$root/tests/delivery/alerts_test.yaml" "$root/tests/delivery/alerts_backup_age_test.yaml"
