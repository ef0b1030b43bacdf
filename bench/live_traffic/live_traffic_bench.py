#!/usr/bin/python3
"""Migrations under live traffic (issue 21): the application's latency and errors before,
during and after a move, with and without Retort's lock budget.

A pgbench client on the host runs the SweetShop's purchase transaction (app.sql) at a fixed
rate while `retort upgrade` applies four revisions on the hot tables (versions/: a column with
a constant default, an index built CONCURRENTLY, a foreign key NOT VALID, its VALIDATE).
Scenarios, each on a fresh database:
  quiet         the move alone under traffic, with the lock budget;
  blocked       a long transaction holds a lock on purchases when the move starts (--hold
                seconds), with the lock budget: the ALTER gives up after --lock-timeout,
                lets the queue drain, and retries until the blocker is gone;
  blocked-bare  the same without a lock budget (no lock_timeout): the ALTER waits behind the
                blocker and every purchase queues behind the ALTER.
pgbench's per-transaction log gives each transaction's start and latency (from its scheduled
start, so waiting counts); a transaction belongs to "during" when it overlaps the move.

    bench/live_traffic/run.sh [--rate 100] [--hold 6] [--lock-timeout 2s] [--lock-retries 10]
"""
import argparse
import glob
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import psycopg2

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).resolve().parent
SWEETSHOP_HEAD = "2a3b7c4d5e07"


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def seed(url):
    with psycopg2.connect(url) as c, c.cursor() as cur:
        cur.execute("INSERT INTO categories (name, slug) VALUES ('Chocolate', 'chocolate')")
        cur.execute("INSERT INTO sweets (category_id, name, price_cents) "
                    "SELECT 1, 'sweet ' || g, 250 FROM generate_series(1, 50) g")
        cur.execute("INSERT INTO sweet_inventory (sweet_id, quantity) "
                    "SELECT id, 1000000000 FROM sweets")
        cur.execute("INSERT INTO users (email, display_name, password_hash) "
                    "SELECT 'u' || g || '@shop.test', 'user ' || g, 'x' FROM generate_series(1, 100) g")
        cur.execute("INSERT INTO purchases (user_id, sweet_id, quantity, unit_price_cents) "
                    "SELECT 1 + g % 100, 1 + g % 50, 1, 250 FROM generate_series(1, 200000) g")


def hold_lock(url, seconds, holding):
    with psycopg2.connect(url, application_name="long-report") as c, c.cursor() as cur:
        cur.execute("SELECT count(*) FROM purchases")  # ACCESS SHARE, held to the end
        holding.set()
        time.sleep(seconds)
    # the with block commits: the lock is released here


def run_scenario(name, args, admin_url, work):
    db = "live_" + name.replace("-", "_")
    admin = psycopg2.connect(admin_url)
    admin.autocommit = True
    admin.cursor().execute(f"DROP DATABASE IF EXISTS {db}")
    admin.cursor().execute(f"CREATE DATABASE {db}")
    admin.close()
    url = admin_url.rsplit("/", 1)[0] + "/" + db
    scripts = work / f"scripts-{name}"
    shutil.copytree(ROOT / "migrations", scripts)
    for f in (HERE / "versions").glob("*.sql"):
        shutil.copy(f, scripts / "versions")
    retort = [args.retort, "-d", str(scripts), "--url", url]
    subprocess.run(retort + ["-q", "upgrade", SWEETSHOP_HEAD], check=True)
    seed(url)

    logs = work / f"pgbench-{name}"
    logs.mkdir()
    duration = args.before + args.window + args.after
    bench = subprocess.Popen(
        [args.pgbench, "-n", "-f", str(HERE / "app.sql"), "-R", str(args.rate), "-c", "4", "-j", "2",
         "-T", str(duration), "-l", f"--log-prefix={logs}/tx", url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(args.before)
    blocker = None
    if name.startswith("blocked"):
        holding = threading.Event()
        blocker = threading.Thread(target=hold_lock, args=(url, args.hold, holding))
        blocker.start()
        holding.wait(10)
        time.sleep(0.2)
    budget = [] if name == "blocked-bare" else [
        "--lock-timeout", args.lock_timeout, "--lock-retries", str(args.lock_retries)]
    start = time.time()
    move = subprocess.run(retort + budget + ["upgrade", "head"], capture_output=True, text=True)
    end = time.time()
    if blocker:
        blocker.join()
    out, err = bench.communicate(timeout=duration + 120)
    if end > start + args.window:
        print(f"warning: {name}: the move took {end - start:.1f} s, longer than --window", file=sys.stderr)

    phases = {"before": [], "during": [], "after": []}
    for path in glob.glob(f"{logs}/tx*"):
        for line in open(path):
            fields = line.split()
            # client transaction latency_us script epoch_s epoch_us [lag_us]
            latency = int(fields[2]) / 1e6
            finished = int(fields[4]) + int(fields[5]) / 1e6
            began = finished - latency
            phase = "before" if finished < start else "after" if began > end else "during"
            phases[phase].append(latency)
    aborted = sum(1 for l in err.splitlines() if "aborted" in l or "error" in l.lower())
    return {
        "scenario": name,
        "move_exit": move.returncode,
        "move_seconds": end - start,
        "lock_retries": sum(1 for l in move.stderr.splitlines() if "lock timeout on step" in l),
        "retry_lines": [l for l in move.stderr.splitlines() if "lock timeout on step" in l][:3],
        "pgbench_exit": bench.returncode,
        "app_errors": aborted,
        "phases": {k: {"n": len(v), "p50": percentile(v, 50), "p99": percentile(v, 99),
                       "max": max(v) if v else float("nan")} for k, v in phases.items()},
        "pgbench_tail": err.strip().splitlines()[-3:],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", default=str(ROOT / "build/controller/cli/retort"))
    parser.add_argument("--pgbench", default="/usr/lib/postgresql/15/bin/pgbench")
    parser.add_argument("--pg-uri", required=True)
    parser.add_argument("--rate", type=int, default=100, help="purchases per second")
    parser.add_argument("--hold", type=float, default=6, help="seconds the long transaction holds its lock")
    parser.add_argument("--lock-timeout", default="2s")
    parser.add_argument("--lock-retries", type=int, default=10)
    parser.add_argument("--before", type=int, default=8)
    parser.add_argument("--window", type=int, default=25, help="seconds of traffic left for the move")
    parser.add_argument("--after", type=int, default=8)
    parser.add_argument("--scenarios", nargs="*", default=["quiet", "blocked", "blocked-bare"])
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="retort-live."))
    try:
        results = [run_scenario(s, args, args.pg_uri, work) for s in args.scenarios]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ms = lambda s: f"{s * 1000:.1f}"
    print(f"rate {args.rate}/s, lock timeout {args.lock_timeout}, {args.lock_retries} retries, "
          f"blocker holds {args.hold} s\n")
    print("| scenario | move (s) | move exit | lock retries | app errors | p50 / p99 / max before (ms) "
          "| during | after |")
    print("|---|---:|---:|---:|---:|---|---|---|")
    for r in results:
        ph = r["phases"]
        cell = lambda p: f"{ms(ph[p]['p50'])} / {ms(ph[p]['p99'])} / {ms(ph[p]['max'])} (n={ph[p]['n']})"
        print(f"| {r['scenario']} | {r['move_seconds']:.2f} | {r['move_exit']} | {r['lock_retries']} | "
              f"{r['app_errors']} | {cell('before')} | {cell('during')} | {cell('after')} |")
    for r in results:
        for line in r["retry_lines"]:
            print(f"\n{r['scenario']}: {line}")
        if r["pgbench_exit"] != 0:
            print(f"\n{r['scenario']}: pgbench exited {r['pgbench_exit']}: {r['pgbench_tail']}")


if __name__ == "__main__":
    main()
