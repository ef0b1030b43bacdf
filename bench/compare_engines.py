#!/usr/bin/python3
"""Retort vs Alembic vs `psql -1 -f`, side by side in one run, on one PostgreSQL server.

Datasets: the SweetShop chain, and generated linear chains of N revisions (each creates and
drops one small table). Operations: `current` (at head), `heads`, `history`, `upgrade head`
from an empty database, `downgrade base` from head. psql runs the same upgrade (or downgrade)
statements as one transaction (`psql -1 -f`). Every figure is the median wall-clock time of
whole processes over --repeat runs (--repeat-slow for upgrades and downgrades; once on
10,000 revisions). Every round runs each tool once in turn (interleaved), so a change of load shows in all alike.
--baseline-retort adds another retort binary (say, main's) beside; --no-alembic leaves Alembic
out. Prints a Markdown table.

    /usr/bin/python3 bench/compare_engines.py --retort build/controller/cli/retort --chains 1000 10000
"""
import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "compat"))
from alembic_compat import alembic_env_from, new_database, parse_sql_script  # noqa: E402


def generate_chain(location, n):
    versions = location / "versions"
    versions.mkdir(parents=True)
    down = ""
    for i in range(1, n + 1):
        rev = f"{i:012x}"
        (versions / f"{i:06d}_{rev}.sql").write_text(
            f"-- revision: {rev}\n-- down_revision: {down}\n-- message: step {i}\n\n-- migrate:upgrade\n"
            f"CREATE TABLE t_{i} (id bigint PRIMARY KEY, name text NOT NULL);\n\n"
            f"-- migrate:downgrade\nDROP TABLE t_{i};\n")
        down = rev
    return location


def psql_files(location, work):
    scripts = [parse_sql_script(p) for p in sorted((location / "versions").glob("*.sql"))]
    up, down = work / "up.sql", work / "down.sql"
    up.write_text("".join(s["upgrade"] + "\n" for s in scripts))
    down.write_text("".join(s["downgrade"] + "\n" for s in reversed(scripts)))
    return up, down


def timed(command, env=None):
    start = time.perf_counter()
    r = subprocess.run(command, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{r.stdout}\n{r.stderr[-2000:]}")
    return elapsed


def interleaved(repeat, runs):
    """Median seconds per tool; the tools take turns in every round, so a change of load on
    the machine shows in all of them alike. runs: name -> (run, prepare or None)."""
    samples = {name: [] for name in runs}
    for _ in range(repeat):
        for name, (run, prepare) in runs.items():
            if prepare:
                prepare()
            samples[name].append(run())
    return {name: statistics.median(v) for name, v in samples.items()}


def bench_dataset(name, location, args, admin_url, work):
    ini = alembic_env_from(location, work / f"alembic-{name}")
    up_sql, down_sql = psql_files(location, work)
    db = f"bench_{name}"
    url = admin_url.rsplit("/", 1)[0] + "/" + db
    alembic_env = dict(os.environ, ALEMBIC_URL=url)
    engines = {"retort": args.retort}
    if args.baseline_retort:
        engines["baseline"] = args.baseline_retort
    command = lambda binary: lambda *a: [binary, "-q", "-d", str(location), "--url", url, *a]
    alembic = lambda *a: ["/usr/bin/python3", "-m", "alembic", "-c", str(ini), *a]
    psql = lambda f: ["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-1", "-f", str(f), url]
    fresh = lambda: new_database(admin_url, db)
    # Upgrades and downgrades of 10,000 revisions take minutes with Alembic: run those once.
    slow_repeat = 1 if name.endswith("10000") else args.repeat_slow
    rows = []

    def row(op, figures):
        rows.append((name, op, figures))
        print(f"  {name:<14} {op:<22} " + "   ".join(f"{k} {v*1000:9.1f} ms" for k, v in figures.items()),
              file=sys.stderr, flush=True)

    def tools(operation, prepare=None):
        runs = {k: (lambda b=b: timed(command(b)(*operation)), prepare) for k, b in engines.items()}
        if not args.no_alembic:
            runs["alembic"] = (lambda: timed(alembic(*operation), alembic_env), prepare)
        return runs

    def at_head_with(tool):
        def prepare():
            fresh()
            timed(tool("upgrade", "head"), alembic_env)
        return prepare

    runs = tools(["upgrade", "head"], fresh)
    runs["psql"] = (lambda: timed(psql(up_sql)), fresh)
    row("upgrade head (empty)", interleaved(slow_repeat, runs))

    fresh()
    timed(command(args.retort)("upgrade", "head"))
    for op in ("current", "heads", "history"):
        row(op, interleaved(args.repeat, tools([op])))

    runs = tools(["downgrade", "base"], at_head_with(command(args.retort)))
    if "alembic" in runs:
        runs["alembic"] = (runs["alembic"][0], at_head_with(alembic))
    runs["psql"] = (lambda: timed(psql(down_sql)), at_head_with(command(args.retort)))
    row("downgrade base", interleaved(slow_repeat, runs))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", required=True)
    parser.add_argument("--chains", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=10, help="runs of current, heads and history")
    parser.add_argument("--repeat-slow", type=int, default=3, help="runs of upgrade and downgrade")
    parser.add_argument("--baseline-retort", help="another retort binary (e.g. of main), measured beside")
    parser.add_argument("--no-alembic", action="store_true", help="leave Alembic out (quicker)")
    args = parser.parse_args()
    args.retort = str(pathlib.Path(args.retort).resolve())
    if args.baseline_retort:
        args.baseline_retort = str(pathlib.Path(args.baseline_retort).resolve())
    work = pathlib.Path(tempfile.mkdtemp(prefix="retort-bench."))
    server = work / "pg"
    admin_url = subprocess.run([str(ROOT / "tests/support/postgres.sh"), "up", str(server),
                                "max_locks_per_transaction=4096"],
                               capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    rows = []
    try:
        rows += bench_dataset("sweetshop", ROOT / "migrations", args, admin_url, work)
        for n in args.chains:
            location = generate_chain(work / f"chain{n}", n)
            rows += bench_dataset(f"chain{n}", location, args, admin_url, work)
    finally:
        subprocess.run([str(ROOT / "tests/support/postgres.sh"), "down", str(server)], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)

    ms = lambda s: f"{s*1000:.1f}"
    columns = ["retort"] + (["baseline"] if args.baseline_retort else []) + \
        ([] if args.no_alembic else ["alembic"]) + ["psql"]
    ratios = ([("baseline", "retort")] if args.baseline_retort else []) + \
        ([] if args.no_alembic else [("alembic", "retort")]) + [("retort", "psql")]
    print("| dataset | operation | " + " | ".join(f"{c} (ms)" for c in columns) + " | " +
          " | ".join(f"{a} / {b}" for a, b in ratios) + " |")
    print("|---|---|" + "---:|" * (len(columns) + len(ratios)))
    for name, op, f in rows:
        cells = [ms(f[c]) if c in f else "" for c in columns]
        cells += [f"{f[a] / f[b]:.2f}x" if a in f and b in f else "" for a, b in ratios]
        print(f"| {name} | {op} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
