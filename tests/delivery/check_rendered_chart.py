#!/usr/bin/env python3
"""Checks helm/retort's rendered manifests: DEFAULT ALL REPLICAS (helm template outputs with the
default values, with tests/delivery/values-all-options.yaml, and with --set replicas=3).

Each failure names the file, the object and the field."""
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

failures = []


def check(cond, where, what):
    if not cond:
        failures.append(f"{where}: {what}")


def load(path):
    objs = [o for o in yaml.safe_load_all(open(path)) if o]
    return {(o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]): o for o in objs}, objs


def only(objs, kind, path):
    found = [o for o in objs if o["kind"] == kind]
    check(len(found) == 1, path, f"expected one {kind}, found {len(found)}")
    return found[0] if found else {}


def container(path, objs):
    dep = only(objs, "Deployment", path)
    spec = dep.get("spec", {}).get("template", {}).get("spec", {})
    cs = spec.get("containers", [{}])
    return dep, spec, cs[0]


def check_restricted(path, spec, c):
    where = f"{path}: Deployment.spec.template.spec"
    psc = spec.get("securityContext", {})
    check(psc.get("runAsNonRoot") is True, where, "securityContext.runAsNonRoot must be true")
    check(psc.get("seccompProfile", {}).get("type") == "RuntimeDefault", where,
          "securityContext.seccompProfile.type must be RuntimeDefault")
    sc = c.get("securityContext", {})
    check(sc.get("allowPrivilegeEscalation") is False, where,
          "containers[0].securityContext.allowPrivilegeEscalation must be false")
    check(sc.get("readOnlyRootFilesystem") is True, where,
          "containers[0].securityContext.readOnlyRootFilesystem must be true")
    check(sc.get("capabilities", {}).get("drop") == ["ALL"], where,
          "containers[0].securityContext.capabilities.drop must be [ALL]")
    ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
    for probe, path_ in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = c.get(probe, {}).get("httpGet", {})
        check(get.get("path") == path_ and get.get("port") == "health", where,
              f"containers[0].{probe}.httpGet must be {path_} on port health")
    check("health" in ports and "metrics" in ports, where, "containers[0].ports needs metrics and health")
    args = c.get("args", [])
    check(args[:1] == ["controller"], where, f"containers[0].args must start with controller: {args}")
    check(f"--health-probe-bind-address=:{ports.get('health')}" in args, where,
          "the probes' port must be the one --health-probe-bind-address binds")
    check(f"--metrics-bind-address=:{ports.get('metrics')}" in args, where,
          "the metrics port must be the one --metrics-bind-address binds")
    res = c.get("resources", {})
    check("requests" in res and "limits" in res, where, "containers[0].resources needs requests and limits")


def rules_of(kind):
    docs = [d for d in yaml.safe_load_all(open(ROOT / "manifests/base/rbac.yaml")) if d]
    return [d for d in docs if d["kind"] == kind][0]["rules"]


def main():
    default_path, all_path, replicas_path = sys.argv[1:4]
    cluster_rules = rules_of("ClusterRole")
    lease_rules = rules_of("Role")

    # Default values: cluster-wide RBAC, one replica, no leader election, no optional objects.
    _, objs = load(default_path)
    dep, spec, c = container(default_path, objs)
    check_restricted(default_path, spec, c)
    args = c.get("args", [])
    check(c.get("image") == "localhost/retort:0.1.0", default_path, f"image is {c.get('image')}, want localhost/retort:0.1.0")
    check(dep["spec"].get("replicas") == 1, default_path, "replicas must default to 1")
    check("--leader-elect" not in args, default_path, "no --leader-elect with one replica")
    check(not any(a.startswith("--namespace") for a in args), default_path, "no --namespace by default")
    role = only(objs, "ClusterRole", default_path)
    check(role.get("rules") == cluster_rules, default_path,
          "ClusterRole.rules differ from manifests/base/rbac.yaml's ClusterRole")
    only(objs, "ClusterRoleBinding", default_path)
    check(not [o for o in objs if o["kind"] in ("Role", "RoleBinding")], default_path,
          "no Role without leader election or watchNamespaces")
    check(not [o for o in objs if o["kind"] in ("ServiceMonitor", "PrometheusRule")], default_path,
          "ServiceMonitor and PrometheusRule are off by default")
    svc = only(objs, "Service", default_path)
    check(svc.get("spec", {}).get("ports", [{}])[0].get("targetPort") == "metrics", default_path,
          "Service.spec.ports[0].targetPort must be metrics")
    check(svc.get("spec", {}).get("selector") == dep["spec"]["selector"]["matchLabels"], default_path,
          "the metrics Service must select the Deployment's pods")

    # Every option: namespaced Roles in the watched namespace, --namespace, leader election.
    _, objs = load(all_path)
    dep, spec, c = container(all_path, objs)
    check_restricted(all_path, spec, c)
    args = c.get("args", [])
    check("--namespace=shop" in args, all_path, f"--namespace=shop missing from args {args}")
    check("--leader-elect" in args and "--leader-election-namespace=retort-system" in args, all_path,
          f"leader election flags missing from args {args}")
    check(not [o for o in objs if o["kind"] in ("ClusterRole", "ClusterRoleBinding")], all_path,
          "no cluster-wide RBAC when watchNamespaces is set")
    roles = {o["metadata"]["namespace"]: o for o in objs if o["kind"] == "Role"}
    check(roles.get("shop", {}).get("rules") == cluster_rules, all_path,
          "Role in namespace shop must carry manifests/base/rbac.yaml's ClusterRole rules")
    check(roles.get("retort-system", {}).get("rules") == lease_rules, all_path,
          "leader-election Role in retort-system must carry manifests/base/rbac.yaml's Role rules")
    bindings = [o for o in objs if o["kind"] == "RoleBinding"]
    check(len(bindings) == 2 and all(b["subjects"][0]["name"] == "retort-ctl" for b in bindings), all_path,
          "two RoleBindings to ServiceAccount retort-ctl")
    only(objs, "ServiceMonitor", all_path)
    rule = only(objs, "PrometheusRule", all_path)
    alerts = yaml.safe_load(open(ROOT / "deploy/monitoring/retort-alerts.yaml"))
    names = lambda groups: [r.get("alert") for g in groups for r in g["rules"]]
    check(names(rule.get("spec", {}).get("groups", [])) == names(alerts["groups"]), all_path,
          "PrometheusRule must carry every alert of deploy/monitoring/retort-alerts.yaml")
    urls = [r["annotations"]["runbook_url"] for g in rule["spec"]["groups"] for r in g["rules"]]
    check(all(u.startswith("https://git.example.com/retort/-/blob/main/docs/delivery.md#") for u in urls),
          all_path, f"runbookBaseURL must prefix every runbook_url: {urls}")

    # replicas > 1 turns leader election on by itself.
    _, objs = load(replicas_path)
    dep, spec, c = container(replicas_path, objs)
    check("--leader-elect" in c.get("args", []), replicas_path, "--leader-elect must be on with replicas=3")
    check([o for o in objs if o["kind"] == "Role" and o["metadata"]["name"].endswith("leader-election")],
          replicas_path, "leader-election Role must exist with replicas=3")

    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    if not failures:
        print("rendered chart checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
