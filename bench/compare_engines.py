#!/usr/bin/python3
"""Retort vs Alembic vs `psql -1 -f`, side by side in one run, on one PostgreSQL server.

Datasets: the SweetShop chain, and generated linear chains of N revisions (each creates and
drops one small table). Operations: `current` (at head), `heads`, `history`, `upgrade head`
from an empty database, `downgrade base` from head. psql runs the same upgrade (or downgrade)
statements as one transaction (`psql -1 -f`). Every figure is the median wall-clock time of
whole processes over --repeat runs (--repeat-slow for upgrades and downgrades; once on
10,000 revisions). Prints a Markdown table.

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


def median_of(repeat, run, prepare=None):
    samples = []
    for _ in range(repeat):
        if prepare:
            prepare()
        samples.append(run())
    return statistics.median(samples)


def bench_dataset(name, location, args, admin_url, work):
    ini = alembic_env_from(location, work / f"alembic-{name}")
    up_sql, down_sql = psql_files(location, work)
    db = f"bench_{name}"
    url = admin_url.rsplit("/", 1)[0] + "/" + db
    alembic_env = dict(os.environ, ALEMBIC_URL=url)
    retort = lambda *a: [args.retort, "-q", "-d", str(location), "--url", url, *a]
    alembic = lambda *a: ["/usr/bin/python3", "-m", "alembic", "-c", str(ini), *a]
    psql = lambda f: ["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-1", "-f", str(f), url]
    fresh = lambda: new_database(admin_url, db)
    # Upgrades and downgrades of 10,000 revisions take minutes with Alembic: run those once.
    slow_repeat = 1 if name.endswith("10000") else args.repeat_slow
    rows = []

    def row(op, r, a, p=None):
        rows.append((name, op, r, a, p))
        print(f"  {name:<14} {op:<22} retort {r*1000:9.1f} ms   alembic {a*1000:9.1f} ms"
              + (f"   psql -1 -f {p*1000:9.1f} ms" if p else ""), file=sys.stderr, flush=True)

    fresh()
    up_r = median_of(slow_repeat, lambda: timed(retort("upgrade", "head")), fresh)
    up_a = median_of(slow_repeat, lambda: timed(alembic("upgrade", "head"), alembic_env), fresh)
    up_p = median_of(slow_repeat, lambda: timed(psql(up_sql)), fresh)
    row("upgrade head (empty)", up_r, up_a, up_p)

    fresh()
    timed(retort("upgrade", "head"))
    cur_r = median_of(args.repeat, lambda: timed(retort("current")))
    cur_a = median_of(args.repeat, lambda: timed(alembic("current"), alembic_env))
    row("current", cur_r, cur_a)
    heads_r = median_of(args.repeat, lambda: timed(retort("heads")))
    heads_a = median_of(args.repeat, lambda: timed(alembic("heads"), alembic_env))
    row("heads", heads_r, heads_a)
    hist_r = median_of(args.repeat, lambda: timed(retort("history")))
    hist_a = median_of(args.repeat, lambda: timed(alembic("history"), alembic_env))
    row("history", hist_r, hist_a)

    def at_head_with(tool):
        def prepare():
            fresh()
            timed(tool("upgrade", "head"), alembic_env)
        return prepare

    down_r = median_of(slow_repeat, lambda: timed(retort("downgrade", "base")), at_head_with(retort))
    down_a = median_of(slow_repeat, lambda: timed(alembic("downgrade", "base"), alembic_env), at_head_with(alembic))
    down_p = median_of(slow_repeat, lambda: timed(psql(down_sql)), at_head_with(retort))
    row("downgrade base", down_r, down_a, down_p)
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", required=True)
    parser.add_argument("--chains", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=10, help="runs of current, heads and history")
    parser.add_argument("--repeat-slow", type=int, default=3, help="runs of upgrade and downgrade")
    args = parser.parse_args()
    args.retort = str(pathlib.Path(args.retort).resolve())
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
    print("| dataset | operation | retort (ms) | alembic (ms) | psql -1 -f (ms) | alembic / retort | retort / psql |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, op, r, a, p in rows:
        print(f"| {name} | {op} | {ms(r)} | {ms(a)} | {ms(p) if p else ''} | {a / r:.1f}x | "
              f"{(f'{r / p:.2f}x' if p else '')} |")


if __name__ == "__main__":
    main()
