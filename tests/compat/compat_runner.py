"""The harness the compatibility tests share: a throwaway PostgreSQL server in a scratch directory
(tests/support/postgres.sh), fresh databases on it, and the loop that runs named cases, prints
PASS or FAIL for each and closes with "N passed, M failed".

A test script builds its cases from the server's admin URL and the scratch directory:

    def cases(retort, work, admin_url):
        return [("name", lambda: check_something(...)), ...]

    if __name__ == "__main__":
        sys.exit(compat_runner.main("retort-my-test.", cases))

ALEMBIC_PROJECT_CASES=regex runs only the cases whose name matches. A run that passes no case
fails: a filter that matches nothing must not look green.
"""
import argparse
import contextlib
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile

import psycopg2

ROOT = pathlib.Path(__file__).resolve().parents[2]
# The test servers are thrown away: durability only costs time (CREATE DATABASE, above all).
THROWAWAY_SERVER_SETTINGS = ["fsync=off", "full_page_writes=off", "synchronous_commit=off"]
# What a failing check raises: its own assertion, a tool that exited non-zero under check=True,
# or a report without a field the check reads.
CASE_FAILURES = (AssertionError, subprocess.CalledProcessError, KeyError)


@contextlib.contextmanager
def scratch_server(prefix, keep_work=lambda: False):
    """Yields (scratch directory, admin URL of a PostgreSQL server in it). The server is stopped
    and the directory removed on the way out, also when ctest's timeout sends SIGTERM;
    keep_work() true keeps the directory (e.g. to leave a reproducer)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    work = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
    server = work / "pg"
    postgres = str(ROOT / "tests/support/postgres.sh")
    try:
        admin_url = subprocess.run([postgres, "up", str(server), *THROWAWAY_SERVER_SETTINGS],
                                   capture_output=True, text=True,
                                   check=True).stdout.strip().splitlines()[-1]
        yield work, admin_url
    finally:
        subprocess.run([postgres, "down", str(server)], capture_output=True)
        if not keep_work():
            shutil.rmtree(work, ignore_errors=True)


def new_database(admin_url, name):
    """Drops and creates database `name` on the server; returns its URL."""
    c = psycopg2.connect(admin_url)
    c.autocommit = True
    with c.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    c.close()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def run_cases(cases):
    """Runs (name, callable) pairs in order; returns the exit status (1 on any failure or when
    no case ran)."""
    only = os.environ.get("ALEMBIC_PROJECT_CASES")
    passed = failed = 0
    for name, case in cases:
        if only and not re.search(only, name):
            continue
        try:
            case()
            passed += 1
            print(f"PASS {name}", flush=True)
        except CASE_FAILURES as e:
            failed += 1
            # An assertion's message is written to be read as it is; anything else shows its type.
            detail = str(e) if isinstance(e, AssertionError) else repr(e)
            print(f"FAIL {name}: {detail}", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed or not passed else 0


def main(prefix, make_cases):
    """The command line of a compatibility test: --retort BINARY; a scratch server for the
    cases that make_cases(retort, work, admin_url) returns."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", required=True)
    args = parser.parse_args()
    with scratch_server(prefix) as (work, admin_url):
        return run_cases(make_cases(args.retort, work, admin_url))
