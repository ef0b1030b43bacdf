#!/usr/bin/env python3
"""Benchmarks of `retort controller` against a real kube-apiserver and PostgreSQL.

Measures, in one run (docs/operator.md "Benchmarks"):
  (a) resident memory (VmRSS, VmHWM from /proc, and the largest mappings) of the controller
      watching N SchemaVersions, each Ready on its own database and drift-checked every
      --drift-interval; with --baseline-retort, another binary's first, on the same objects;
      with --library-floor, a process that only uses the controller's libraries (the floor);
  (b) time from a spec change (PATCH of spec.targetRevision) to the migration Job's creation,
      as seen by a watch on Jobs, over --changes changes (p50, p95);
  (c) API requests per SchemaVersion per hour in the steady state: the kube-apiserver's
      apiserver_request_total summed over a window with the controller running, minus the same
      window without it (the baseline: the apiserver's own loopback traffic and these scrapes).

With --peer (bench/peers/controller-runtime, a controller-runtime SchemaVersion controller that
does the Kubernetes half of the work), both controllers run on the same objects in turn, --rounds
times, alternating; each run also measures CPU seconds (first pass, and per hour of steady state
extrapolated from the window) and the spec-change latency's p99, and the objects are put back
(spec, status, no Job) after each run, so every run starts from the same state. The medians over
the rounds are printed side by side with the ratios Retort/peer.

It needs a control plane (tests/cluster/cluster.sh up DIR, no node: nothing runs the Jobs, which
is what (b) wants) and a PostgreSQL server (tests/support/postgres.sh up DIR); bench/operator/
run.sh starts both. Databases are created and upgraded to head with `retort upgrade` (one each);
the SchemaVersions get the status a successful run would have written, so the controller only
watches and checks drift. Database URLs go only into Secrets; nothing here prints them.
"""
import argparse
import base64
import concurrent.futures
import http.client
import json
import os
import re
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

NS = "retort-bench"
RESOURCE = "/apis/retort.dev/v1alpha1/namespaces/%s/schemaversions" % NS


class Api:
    """A minimal Kubernetes REST client on the admin kubeconfig's client certificate."""

    def __init__(self, kubectl, kubeconfig):
        raw = json.loads(subprocess.check_output(
            [kubectl, "--kubeconfig", kubeconfig, "config", "view", "--raw", "-o", "json",
             "--minify"]))
        cluster = raw["clusters"][0]["cluster"]
        user = raw["users"][0]["user"]
        url = urllib.parse.urlparse(cluster["server"])
        self.host, self.port = url.hostname, url.port
        self.dir = tempfile.mkdtemp(prefix="retort-bench-api-")
        paths = {}
        for name, key in (("ca", None), ("cert", "client-certificate-data"),
                          ("key", "client-key-data")):
            data = cluster["certificate-authority-data"] if name == "ca" else user[key]
            paths[name] = os.path.join(self.dir, name)
            with open(paths[name], "wb") as f:
                f.write(base64.b64decode(data))
        self.context = ssl.create_default_context(cafile=paths["ca"])
        self.context.load_cert_chain(paths["cert"], paths["key"])
        self.local = threading.local()

    def connection(self, fresh=False):
        if fresh or not hasattr(self.local, "conn"):
            conn = http.client.HTTPSConnection(self.host, self.port, context=self.context,
                                               timeout=120)
            if fresh:
                return conn
            self.local.conn = conn
        return self.local.conn

    def request(self, method, path, body=None, content_type="application/json", ok=(200, 201)):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": content_type, "Accept": "application/json"}
        for attempt in range(3):
            conn = self.connection()
            try:
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, OSError):
                del self.local.conn
                if attempt == 2:
                    raise
        if response.status not in ok:
            raise RuntimeError("%s %s: %d %s" % (method, path, response.status, payload[:300]))
        return json.loads(payload) if payload.startswith(b"{") else payload.decode()

    def request_total(self):
        """Sum of apiserver_request_total over every label set."""
        text = self.request("GET", "/metrics", content_type="text/plain")
        total = 0.0
        for line in text.splitlines():
            if line.startswith("apiserver_request_total{"):
                total += float(line.rsplit(" ", 1)[1])
        return total


def run(command, **kwargs):
    return subprocess.run(command, check=True, **kwargs)


def psql(pg_uri, sql):
    run(["psql", "-q", "-v", "ON_ERROR_STOP=1", pg_uri, "-c", sql], stdout=subprocess.DEVNULL)


def database_uri(pg_uri, name):
    parsed = urllib.parse.urlparse(pg_uri)
    return parsed._replace(path="/" + name).geturl()


def prepare_databases(args, count):
    """count databases at head; returns the heads. The first is upgraded with `retort upgrade`,
    the others are copies of it (CREATE DATABASE ... TEMPLATE: a second each, not one upgrade
    each). A database is made under a temporary name and renamed when at head, so one left by
    an interrupted run is either complete or dropped here, never kept half made."""
    existing = subprocess.check_output(
        ["psql", "-At", args.pg_uri, "-c",
         "SELECT datname FROM pg_database WHERE datname LIKE 'bench_%'"], text=True).split()
    heads = None
    for i in range(count):
        name = "bench_%04d" % i
        uri = database_uri(args.pg_uri, name)
        if name not in existing:
            making = name + "_making"
            psql(args.pg_uri, "DROP DATABASE IF EXISTS %s" % making)
            if i == 0:
                psql(args.pg_uri, "CREATE DATABASE %s" % making)
                run([args.retort, "-q", "-d", args.scripts, "upgrade", "head"],
                    env=dict(os.environ, DATABASE_URL=database_uri(args.pg_uri, making)))
            else:
                psql(args.pg_uri, "CREATE DATABASE %s TEMPLATE bench_0000" % making)
            psql(args.pg_uri, "ALTER DATABASE %s RENAME TO %s" % (making, name))
        if heads is None:
            heads = subprocess.check_output(
                ["psql", "-At", uri, "-c", "SELECT version_num FROM alembic_version"],
                text=True).split()
        if i % 100 == 99:
            print("  databases: %d/%d" % (i + 1, count), file=sys.stderr)
    return heads


def create_objects(api, args, count, heads):
    try:
        api.request("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                                  "metadata": {"name": NS}})
    except RuntimeError as error:
        if " 409 " not in str(error):
            raise
    def create(i):
        name = "sv-%04d" % i
        uri = database_uri(args.pg_uri, "bench_%04d" % (i % args.databases))
        secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name + "-db"},
                  "data": {"uri": base64.b64encode(uri.encode()).decode()}}
        api.request("POST", "/api/v1/namespaces/%s/secrets" % NS, secret, ok=(201, 409))
        sv = {"apiVersion": "retort.dev/v1alpha1", "kind": "SchemaVersion",
              "metadata": {"name": name},
              "spec": {"targetRevision": "head",
                       "database": {"secretRef": {"name": name + "-db", "key": "uri"}},
                       "migrations": {"image": "localhost/retort-sweetshop:0.2.0"},
                       "backup": {"mode": "Disabled"},
                       "driftCheckInterval": args.drift_interval}}
        created = api.request("POST", RESOURCE, sv)
        seed_status(api, name, created["metadata"]["generation"], heads)
        if i % 1000 == 999:
            print("  SchemaVersions: %d/%d" % (i + 1, count), file=sys.stderr)

    # Four at a time (the Api's connections are per thread): 10,000 objects in minutes.
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(create, range(count)))


def seed_status(api, name, generation, heads):
    """The status a successful run of generation 1 from an empty database would have left."""
    conditions = [
        {"type": t, "status": "True" if t == "Ready" else "False",
         "reason": "Migrated" if t == "Ready" else "InSync", "message": "",
         "observedGeneration": generation, "lastTransitionTime": "2026-01-01T00:00:03Z"}
        for t in ("Ready", "Reconciling", "Stalled", "Drifted")]
    status = {"observedGeneration": generation, "currentRevisions": heads,
              "targetRevisions": heads,
              "lastRun": {"jobName": name + "-g1-seeded",
                          "startTime": "2026-01-01T00:00:00Z",
                          "completionTime": "2026-01-01T00:00:03Z",
                          "outcome": "Succeeded", "reason": "Migrated", "message": ""},
              "conditions": conditions}
    api.request("PATCH", RESOURCE + "/" + name + "/status", {"status": status},
                content_type="application/merge-patch+json")


def reset_objects(api, changed, heads):
    """Puts back what a run changed, with no controller running: the changed objects' spec
    (targetRevision head again; a new generation) and seeded status at that generation, and no
    Job. The next run then starts from the state the first one did."""
    for name in changed:
        patched = api.request("PATCH", RESOURCE + "/" + name, {"spec": {"targetRevision": "head"}},
                              content_type="application/merge-patch+json")
        seed_status(api, name, patched["metadata"]["generation"], heads)
    api.request("DELETE", "/apis/batch/v1/namespaces/%s/jobs" % NS,
                {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"})


def memory(pid):
    """VmRSS and VmHWM, VmRSS split into anonymous (the heap, stacks, written library data)
    and file-backed pages (the shared libraries' code, shared with every process using them),
    PSS (shared pages divided among their users) and the thread count; kB."""
    fields = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                fields[key] = int(value.split()[0])  # kB
            elif key == "Threads":
                fields[key] = int(value)
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith("Pss:"):
                fields["Pss"] = int(line.split()[1])
    fields["largestMappings"] = largest_mappings(pid)
    return fields


def largest_mappings(pid, top=12):
    """Resident kB per mapped file (or [heap], [stack], [anon]: thread stacks and malloc's
    arenas), largest first: where VmRSS goes."""
    sizes = {}
    name = None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            parts = line.split()
            if parts[0].endswith(":"):
                if parts[0] == "Rss:":
                    sizes[name] = sizes.get(name, 0) + int(parts[1])
            else:  # a mapping's header: address perms offset dev inode [path]
                name = os.path.basename(parts[5]) if len(parts) > 5 else "[anon]"
    return dict(sorted(sizes.items(), key=lambda item: -item[1])[:top])


def scrape(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/metrics")
    return conn.getresponse().read().decode()


def metric_sum(text, name, label=""):
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and label in line and not line.startswith("#"):
            total += float(line.rsplit(" ", 1)[1])
    return total


class JobWatch(threading.Thread):
    """Records when each Job is first seen ADDED (monotonic clock). One for the whole run: a
    watch the API server ends (its request timeout) is resumed from the last resourceVersion."""

    def __init__(self, api):
        super().__init__(daemon=True)
        self.api = api
        listing = api.request("GET", "/apis/batch/v1/namespaces/%s/jobs" % NS)
        self.version = listing["metadata"]["resourceVersion"]
        self.seen = {}
        self.ready = threading.Event()
        self.cond = threading.Condition()

    def run(self):
        while True:
            try:
                conn = self.api.connection(fresh=True)
                conn.request("GET", "/apis/batch/v1/namespaces/%s/jobs?watch=1&resourceVersion=%s"
                             "&allowWatchBookmarks=true" % (NS, self.version))
                response = conn.getresponse()
                self.ready.set()
                while True:
                    line = response.readline()
                    if not line:
                        break
                    now = time.monotonic()
                    event = json.loads(line)
                    version = event.get("object", {}).get("metadata", {}).get("resourceVersion")
                    if event.get("type") == "ERROR":  # 410 Gone: start from now
                        self.version = self.api.request(
                            "GET", "/apis/batch/v1/namespaces/%s/jobs?limit=1" % NS)[
                                "metadata"]["resourceVersion"]
                        break
                    if version:
                        self.version = version
                    if event.get("type") == "ADDED":
                        with self.cond:
                            self.seen.setdefault(event["object"]["metadata"]["name"], now)
                            self.cond.notify_all()
            except (http.client.HTTPException, OSError):
                time.sleep(0.5)

    def wait_for_new(self, before, timeout=30):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.seen) <= before:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError("no Job within %ds of the spec change" % timeout)
                self.cond.wait(left)
            return max(self.seen.values())


def percentile(values, p):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def cpu_seconds(pid):
    """User + system CPU time of a process (its threads included), seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# What the benchmark reads from each controller's /metrics. Retort's own names, and
# controller-runtime's (its workqueue and reconcile metrics, controller "schemaversion").
METRICS = {
    "retort": {"adds": ("retort_workqueue_adds_total", ""),
               "depth": ("retort_workqueue_depth", ""),
               "reconciles": ("retort_reconcile_total", ""),
               "queueWait": ("retort_workqueue_queue_duration_seconds", ""),
               "reconcileTime": ("retort_reconcile_duration_seconds", "")},
    "peer": {"adds": ("workqueue_adds_total", 'name="schemaversion"'),
             "depth": ("workqueue_depth", 'name="schemaversion"'),
             "reconciles": ("controller_runtime_reconcile_total", 'controller="schemaversion"'),
             "queueWait": ("workqueue_queue_duration_seconds", 'name="schemaversion"'),
             "reconcileTime": ("controller_runtime_reconcile_time_seconds",
                               'controller="schemaversion"')},
}


class Controller:
    """One controller process on the bench namespace: `retort controller` (kind "retort") or
    the controller-runtime peer (kind "peer"), its metrics port and its log (under the
    temporary directory, retort-bench-controller-LABEL.log)."""

    def __init__(self, kind, binary, args, label):
        self.kind = kind
        self.metrics = METRICS[kind]
        self.port = int(subprocess.check_output(
            [sys.executable, "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); "
             "print(s.getsockname()[1])"]))
        self.log_path = os.path.join(tempfile.gettempdir(),
                                     "retort-bench-controller-%s.log" % label)
        self.log = open(self.log_path, "w")
        command = [binary] + (["controller"] if kind == "retort" else []) + [
            "--kubeconfig", args.kubeconfig, "--namespace", NS,
            "--metrics-bind-address", "127.0.0.1:%d" % self.port,
            "--health-probe-bind-address", "0"]
        if kind == "retort":
            command += ["--log-format", "logfmt"]
        self.process = subprocess.Popen(command, stderr=self.log)
        self.pid = self.process.pid

    def sum(self, text, key, suffix=""):
        name, label = self.metrics[key]
        return metric_sum(text, name + suffix, label)

    def scrape(self):
        return scrape(self.port)

    def first_pass_phases(self):
        """Retort logs its first pass in two lines, "caches synced" (the lists) and "first pass
        done" (the queue drained), each with the seconds since the manager started."""
        if self.kind != "retort":
            return None
        self.log.flush()
        phases = {}
        with open(self.log_path) as log:
            for line in log:
                seconds = re.search(r" seconds=([0-9.]+)", line)
                if not seconds:
                    continue
                for msg, key in (('msg="caches synced"', "cachesSyncedSeconds"),
                                 ('msg="first pass done"', "firstPassDoneSeconds")):
                    if msg in line:
                        phases[key] = float(seconds.group(1))
        return phases

    def stop(self):
        self.process.terminate()
        self.process.wait(30)
        self.log.close()


def wait_first_pass(controller, args):
    """Waits until every object was reconciled once (the first list queued them all and the
    queue is empty); returns the seconds since the start."""
    started = time.monotonic()
    limit = max(300.0, args.count * 0.1)
    while True:
        time.sleep(0.2)
        if controller.process.poll() is not None:
            raise RuntimeError("%s exited with %s" % (controller.kind, controller.process.returncode))
        try:
            text = controller.scrape()
        except OSError:
            continue
        if controller.sum(text, "adds") >= args.count and controller.sum(text, "depth") == 0:
            return time.monotonic() - started
        if time.monotonic() - started > limit:
            raise RuntimeError("%s did not reconcile %d objects in %ds" %
                               (controller.kind, args.count, limit))


def measure_run(api, args, controller, heads, baseline, watch, changes=True):
    """One controller's figures, in order: the first pass (seconds, CPU, memory), memory once
    --settle seconds have passed since the start (every object had its first drift check), the
    steady state over --window seconds (API requests per object per hour above the baseline,
    CPU seconds per hour), then --changes spec changes timed to the Job's creation."""
    started = time.monotonic()
    results = {"firstPassSeconds": round(wait_first_pass(controller, args), 2),
               "firstPassCpuSeconds": round(cpu_seconds(controller.pid), 2),
               "memoryKiBAfterFirstPass": memory(controller.pid)}
    if controller.kind == "retort":
        results["firstPassPhases"] = controller.first_pass_phases()
    time.sleep(max(0.0, args.settle - (time.monotonic() - started)))
    text = controller.scrape()
    if controller.kind == "retort":
        results["driftChecks"] = {
            r: metric_sum(text, "retort_drift_checks_total", 'result="%s"' % r)
            for r in ("in_sync", "drifted", "failed")}
    results["memoryKiB"] = memory(controller.pid)
    results["memoryKiB"]["loadAverage1m"] = float(open("/proc/loadavg").read().split()[0])
    results["jobsCreatedBySteadyObjects"] = len(
        api.request("GET", "/apis/batch/v1/namespaces/%s/jobs" % NS)["items"])

    # (c) the same window as the baseline, with the controller.
    reconciles_before = controller.sum(text, "reconciles")
    before, cpu_before = api.request_total(), cpu_seconds(controller.pid)
    time.sleep(args.window)
    with_controller = api.request_total() - before - 1
    cpu = cpu_seconds(controller.pid) - cpu_before
    per_hour = (with_controller - baseline) / args.count * 3600.0 / args.window
    results["apiRequests"] = {"windowSeconds": args.window, "baseline": baseline,
                              "withController": with_controller,
                              "perSchemaVersionPerHour": round(per_hour, 2)}
    results["steadyCpuSecondsPerHour"] = round(cpu * 3600.0 / args.window, 1)
    results["reconcilesInWindow"] = controller.sum(controller.scrape(), "reconciles") - \
        reconciles_before
    if not changes:
        return results, []

    # (b) spec change -> Job created.
    latencies, changed = [], []
    before_changes = controller.scrape()
    for i in range(args.changes):
        name = "sv-%04d" % i
        seen = len(watch.seen)
        t0 = time.monotonic()
        api.request("PATCH", RESOURCE + "/" + name,
                    {"spec": {"targetRevision": heads[0] if i % 2 else "heads"}},
                    content_type="application/merge-patch+json")
        changed.append(name)
        t1 = watch.wait_for_new(seen)
        latencies.append((t1 - t0) * 1000.0)
    results["specChangeToJobMs"] = {
        "changes": len(latencies),
        # 1-minute load average at the end: latency on a shared 2-core machine depends on it.
        "loadAverage1m": float(open("/proc/loadavg").read().split()[0]),
        "p50": round(statistics.median(latencies), 1),
        "p95": round(percentile(latencies, 95), 1),
        "p99": round(percentile(latencies, 99), 1),
        "max": round(max(latencies), 1)}
    # Where the time goes inside the controller during the changes (its own histograms, every
    # reconcile in the window, drift-triggered ones included): waiting in the work queue, and
    # reconciling (a spec change's includes the Job POST and the status write).
    after_changes = controller.scrape()
    for key, metric in (("queueWaitMeanMs", "queueWait"), ("reconcileMeanMs", "reconcileTime")):
        count = controller.sum(after_changes, metric, "_count") - \
            controller.sum(before_changes, metric, "_count")
        total = controller.sum(after_changes, metric, "_sum") - \
            controller.sum(before_changes, metric, "_sum")
        results["specChangeToJobMs"][key] = round(1000.0 * total / count, 2) if count else None
    results["memoryKiBAfterChanges"] = memory(controller.pid)
    return results, changed


# The side-by-side figures: (label, path in a run's results).
FIGURES = [
    ("VmRSS after first pass (kB)", ("memoryKiBAfterFirstPass", "VmRSS")),
    ("VmHWM after first pass (kB)", ("memoryKiBAfterFirstPass", "VmHWM")),
    ("VmRSS steady (kB)", ("memoryKiB", "VmRSS")),
    ("VmHWM steady (kB)", ("memoryKiB", "VmHWM")),
    ("RssAnon steady (kB)", ("memoryKiB", "RssAnon")),
    ("RssFile steady (kB)", ("memoryKiB", "RssFile")),
    ("threads", ("memoryKiB", "Threads")),
    ("first pass (s)", ("firstPassSeconds",)),
    ("first pass CPU (s)", ("firstPassCpuSeconds",)),
    ("of it: caches synced at (s)", ("firstPassPhases", "cachesSyncedSeconds")),
    ("of it: queue drained at (s)", ("firstPassPhases", "firstPassDoneSeconds")),
    ("steady CPU (s per hour)", ("steadyCpuSecondsPerHour",)),
    ("API requests per object per hour", ("apiRequests", "perSchemaVersionPerHour")),
    ("spec change to Job p50 (ms)", ("specChangeToJobMs", "p50")),
    ("spec change to Job p95 (ms)", ("specChangeToJobMs", "p95")),
    ("spec change to Job p99 (ms)", ("specChangeToJobMs", "p99")),
    ("VmRSS after changes (kB)", ("memoryKiBAfterChanges", "VmRSS")),
]


def figure(run, path):
    value = run
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def side_by_side(runs):
    """Medians over the rounds per controller, and the ratio Retort/peer."""
    table = {}
    for label, path in FIGURES:
        row = {}
        for kind in ("retort", "peer"):
            values = [figure(r["figures"], path) for r in runs if r["controller"] == kind]
            values = [v for v in values if v is not None]
            row[kind] = round(statistics.median(values), 2) if values else None
            row[kind + "All"] = values
        row["ratio"] = round(row["retort"] / row["peer"], 3) \
            if row["retort"] is not None and row["peer"] else None
        table[label] = row
    return table


def print_table(table, count, out=sys.stderr):
    print("\n%d SchemaVersions: medians over the rounds (each round's value in brackets)"
          % count, file=out)
    print("%-36s %14s %14s %8s" % ("figure", "retort", "peer", "ratio"), file=out)
    for label, row in table.items():
        print("%-36s %14s %14s %8s   retort %s peer %s" % (
            label, row["retort"], row["peer"], row["ratio"], row["retortAll"], row["peerAll"]),
            file=out)


def measure_library_floor(args):
    """(a)'s floor: the memory of bench/operator/library_floor.cpp, which makes one API request,
    one database query and starts a metrics endpoint with the controller's libraries, and holds
    nothing else."""
    probe = subprocess.Popen(
        [args.library_floor, args.kubeconfig], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True, env=dict(os.environ, DATABASE_URL=database_uri(args.pg_uri, "bench_0000")))
    try:
        line = probe.stdout.readline()
        if not line.startswith("ready"):
            raise RuntimeError("retort_library_floor failed (exit %s)" % probe.wait(10))
        return {"memoryKiB": memory(probe.pid)}
    finally:
        probe.stdin.close()
        probe.wait(30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retort", required=True)
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--kubectl", required=True)
    parser.add_argument("--pg-uri", required=True, help="maintenance database URI (trust auth)")
    parser.add_argument("--scripts", required=True, help="the SweetShop script location")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--databases", type=int,
                        help="databases (default --count): SchemaVersion i uses database "
                        "i %% DATABASES, so many objects can share a few databases")
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--drift-interval", default="60s")
    parser.add_argument("--settle", type=float, default=90,
                        help="seconds to run before measuring memory (> drift interval)")
    parser.add_argument("--window", type=float, default=120,
                        help="seconds of each API-request window")
    parser.add_argument("--baseline-retort",
                        help="another `retort` whose memory (a) is measured first, in the same run")
    parser.add_argument("--library-floor",
                        help="build/bench/retort_library_floor: its memory is measured first")
    parser.add_argument("--peer", help="the controller-runtime peer's binary "
                        "(bench/peers/controller-runtime/build.sh): both controllers, in turn")
    parser.add_argument("--rounds", type=int, default=2,
                        help="with --peer: runs of each controller, alternating")
    parser.add_argument("--out", default="-")
    args = parser.parse_args()
    args.databases = args.databases or args.count

    api = Api(args.kubectl, args.kubeconfig)
    results = {"count": args.count, "databases": args.databases,
               "driftCheckInterval": args.drift_interval, "retort": args.retort}
    t = time.monotonic()
    heads = prepare_databases(args, args.databases)
    results["prepareDatabasesSeconds"] = round(time.monotonic() - t, 1)
    t = time.monotonic()
    create_objects(api, args, args.count, heads)
    results["createObjectsSeconds"] = round(time.monotonic() - t, 1)

    # (c) baseline: the apiserver's traffic without the controller over one window.
    before = api.request_total()
    time.sleep(args.window)
    baseline = api.request_total() - before - 1  # minus the second scrape itself

    if args.library_floor:
        results["libraryFloor"] = measure_library_floor(args)
    if args.baseline_retort:
        # (a) side by side: the baseline binary first, on the same objects and databases.
        controller = Controller("retort", args.baseline_retort, args, "baseline")
        try:
            started = time.monotonic()
            first = wait_first_pass(controller, args)
            time.sleep(max(0.0, args.settle - (time.monotonic() - started)))
            results["baseline"] = {"firstPassSeconds": round(first, 2),
                                   "memoryKiB": memory(controller.pid)}
        finally:
            controller.stop()

    watch = JobWatch(api)
    watch.start()
    watch.ready.wait(10)
    time.sleep(0.5)
    if args.peer:
        results["peer"] = args.peer
        results["rounds"] = args.rounds
        runs = []
        for round_ in range(args.rounds):
            # Alternating, and each round starts with the other one than the round before.
            order = ("retort", "peer") if round_ % 2 == 0 else ("peer", "retort")
            for kind in order:
                print("round %d: %s" % (round_ + 1, kind), file=sys.stderr)
                binary = args.retort if kind == "retort" else args.peer
                controller = Controller(kind, binary, args, "%s-%d" % (kind, round_ + 1))
                try:
                    figures, changed = measure_run(api, args, controller, heads, baseline, watch)
                finally:
                    controller.stop()
                reset_objects(api, changed, heads)
                runs.append({"controller": kind, "round": round_ + 1, "figures": figures})
        results["runs"] = runs
        results["sideBySide"] = side_by_side(runs)
        print_table(results["sideBySide"], args.count)
    else:
        controller = Controller("retort", args.retort, args, "candidate")
        try:
            figures, _ = measure_run(api, args, controller, heads, baseline, watch)
            results.update(figures)
        finally:
            controller.stop()

    output = json.dumps(results, indent=2)
    if args.out == "-":
        print(output)
    else:
        with open(args.out, "w") as f:
            f.write(output + "\n")
        print(output)


if __name__ == "__main__":
    main()
