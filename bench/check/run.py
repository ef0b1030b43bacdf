#!/usr/bin/python3
"""Driver of bench/check_bench.sh: times `retort check` and `alembic check` (alembic_check.py,
on an Alembic project converted from the same script location) on the SweetShop and on a generated schema, each on a database at head,
and writes a Markdown table between the check-bench markers of docs/schema.md.
Every figure is the median wall-clock time of whole processes over --repeat rounds, each
round running every variant once."""
import argparse
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).resolve().parent


def run(command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def create_database(server, name):
    run(["psql", "-q", f"{server}/postgres", "-c", f"CREATE DATABASE {name}"])
    return f"{server}/{name}"


def measure(label, retort, location, server, repeat, cache):
    name = re.sub(r"\W", "_", label.lower())
    database = create_database(server, name)
    reference = create_database(server, name + "_ref")
    run([retort, "-q", "-d", str(location), "--url", database, "upgrade", "head"])
    run(["psql", "-q", "-v", "ON_ERROR_STOP=1", reference, "-f", str(location / "schema.sql")])
    check = [retort, "-q", "-d", str(location), "--url", database, "check"]
    alembic_project = cache.parent / f"alembic-{name}"
    run(["/usr/bin/python3", str(HERE / "alembic_check.py"), "setup", str(location),
         str(alembic_project)])
    alembic_ini = alembic_project / "alembic.ini"
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))

    # The default: schema.sql read by the parser, no cache involved. Unless the reader declined
    # the file, which check says in an INFO line.
    verbose = subprocess.run([c for c in check if c != "-q"] + ["--no-cache"], capture_output=True,
                             text=True, env=env)
    if "in PostgreSQL (the parser-only reading declined" in verbose.stderr:
        sys.exit(f"the parser-only reading declined {label}'s schema.sql: {verbose.stderr}")
    # Fill the cache that the third way reads.
    subprocess.run(check + ["--load-in-server"], capture_output=True, env=env)

    def retort_run(arguments):
        started = time.perf_counter()
        result = subprocess.run(check + arguments, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            sys.exit(f"retort check {' '.join(arguments)} failed on {label}: "
                     f"{result.stdout}{result.stderr}")
        return time.perf_counter() - started

    def alembic_run():
        started = time.perf_counter()
        result = run(["/usr/bin/python3", str(HERE / "alembic_check.py"), str(alembic_ini),
                      database.replace("postgresql://", "postgresql+psycopg2://"),
                      reference.replace("postgresql://", "postgresql+psycopg2://")])
        elapsed = time.perf_counter() - started
        models, differences = result.stdout.split()
        return elapsed - float(models), differences

    # The four are interleaved, one of each per round, so a change in the machine's load
    # during the benchmark weighs on all of them alike.
    runs = {"parser": [], "loaded": [], "cached": [], "alembic": []}
    differences = "?"
    for _ in range(repeat):
        # Read by the parser (the default); loaded into a rolled-back scratch schema on every
        # run (the reference path, and what check does when the parser's reading differs or the
        # reader declines the file); PostgreSQL's model read back from the cache.
        runs["parser"].append(retort_run(["--no-cache"]))
        runs["loaded"].append(retort_run(["--no-cache", "--load-in-server"]))
        runs["cached"].append(retort_run(["--load-in-server"]))
        alembic_time, differences = alembic_run()
        runs["alembic"].append(alembic_time)
    parser_time, loaded_time, cached_time, alembic_time = (
        statistics.median(runs[key]) for key in ("parser", "loaded", "cached", "alembic"))
    tables = len(re.findall(r"CREATE TABLE", (location / "schema.sql").read_text()))
    return (label, tables, parser_time, loaded_time, cached_time, alembic_time, differences)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", default=str(ROOT / "build" / "controller" / "cli" / "retort"))
    parser.add_argument("--tables", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--docs", default=str(ROOT / "docs" / "schema.md"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="retort-check-bench.") as work:
        work = pathlib.Path(work)
        up = run([str(ROOT / "tests" / "support" / "postgres.sh"), "up", str(work / "pg"),
                  "fsync=off"]).stdout.strip().splitlines()[-1]
        server = up.rsplit("/", 1)[0]
        try:
            generated = work / "generated"
            run([sys.executable, str(HERE / "generate_schema.py"), str(generated), "--tables",
                 str(args.tables)])
            rows = [measure("SweetShop", args.retort, ROOT / "migrations", server, args.repeat,
                            work / "cache"),
                    measure(f"generated {args.tables} tables", args.retort, generated, server,
                            args.repeat, work / "cache")]
        finally:
            subprocess.run([str(ROOT / "tests" / "support" / "postgres.sh"), "down",
                            str(work / "pg")], capture_output=True)

    alembic_version = run(["/usr/bin/python3", "-c",
                           "import alembic, sqlalchemy; print(alembic.__version__, sqlalchemy.__version__)"]
                          ).stdout.split()
    server_version = run(["bash", "-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1"]).stdout.strip()
    table = [f"Measured by `bench/check_bench.sh` on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}; "
             f"PostgreSQL from {server_version}, Alembic {alembic_version[0]} with SQLAlchemy "
             f"{alembic_version[1]}; median of {args.repeat} interleaved rounds, whole processes.",
             "",
             "| schema | tables | `retort check` (schema.sql read by the parser) "
             "| `check --load-in-server --no-cache` (loaded in PostgreSQL) "
             "| `check --load-in-server` (loaded model cached) | `alembic check` (minus model import) "
             "| speed-up: parser | loaded | cached | Alembic's differences |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for label, tables, parser_time, loaded_time, cached_time, alembic_time, differences in rows:
        table.append(f"| {label} | {tables} | {parser_time * 1000:.0f} ms "
                     f"| {loaded_time * 1000:.0f} ms | {cached_time * 1000:.0f} ms "
                     f"| {alembic_time * 1000:.0f} ms | {alembic_time / parser_time:.1f}x "
                     f"| {alembic_time / loaded_time:.1f}x | {alembic_time / cached_time:.1f}x "
                     f"| {differences} |")
    text = "\n".join(table)
    print(text)
    docs = pathlib.Path(args.docs)
    if docs.exists():
        content = docs.read_text()
        start, end = "<!-- check-bench:start -->", "<!-- check-bench:end -->"
        if start in content and end in content:
            before = content.split(start)[0]
            after = content.split(end)[1]
            docs.write_text(f"{before}{start}\n{text}\n{end}{after}")


if __name__ == "__main__":
    main()
