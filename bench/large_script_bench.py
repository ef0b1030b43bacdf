#!/usr/bin/python3
"""Peak memory of Retort on one very large script, baseline and candidate side by side.

Generates a script location holding one revision whose upgrade section has --statements
statements (default 1,000,000: about 60 MB), then runs, for each binary given,
`retort upgrade head --sql` (offline SQL to /dev/null) and `retort lint`, and reports each
process's peak resident set size (the kernel's ru_maxrss, as `/usr/bin/time -v` prints it) and
wall-clock time. Needs no database. Prints a Markdown table.

    /usr/bin/python3 bench/large_script_bench.py --baseline /tmp/retort-main \
        --retort build/controller/cli/retort [--statements 1000000]
"""
import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time


def generate(location, statements):
    versions = location / "versions"
    versions.mkdir(parents=True)
    script = versions / "0001_big.sql"
    with script.open("w") as out:
        out.write("-- revision: 000000000001\n-- down_revision:\n-- message: big\n\n")
        out.write("-- migrate:upgrade\n")
        out.write("CREATE TABLE bench_rows (id bigint PRIMARY KEY, name text NOT NULL);\n")
        for i in range(1, statements):
            out.write(f"INSERT INTO bench_rows (id, name) VALUES ({i}, 'row {i}');\n")
        out.write("\n-- migrate:downgrade\nDROP TABLE bench_rows;\n")
    return script.stat().st_size


def measure(command):
    """Runs `command`; returns (exit code, peak RSS in MiB, seconds)."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        process = subprocess.Popen(command, stdout=null, stderr=subprocess.PIPE)
        stderr = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return code, usage.ru_maxrss / 1024.0, elapsed, stderr.decode(errors="replace")[-500:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retort", required=True, help="the candidate binary")
    parser.add_argument("--baseline", help="the binary to compare with (e.g. built from main)")
    parser.add_argument("--statements", type=int, default=1_000_000)
    args = parser.parse_args()
    binaries = [("baseline", args.baseline)] if args.baseline else []
    binaries.append(("candidate", args.retort))
    with tempfile.TemporaryDirectory(prefix="retort-bench-") as work:
        location = pathlib.Path(work) / "migrations"
        size = generate(location, args.statements)
        mib = size / (1024 * 1024)
        print(f"script: {args.statements:,} statements, {mib:.1f} MiB\n")
        print("| binary | command | peak RSS (MiB) | RSS / script size | wall (s) | exit |")
        print("|---|---|---:|---:|---:|---:|")
        # Lint exits 1 on findings (a script without downgrade-safe steps is fine here): the
        # exit code is reported, not judged; memory is the measure.
        commands = [("upgrade head --sql", ["upgrade", "head", "--sql"]), ("lint", ["lint"])]
        for label, command in commands:
            for name, binary in binaries:
                code, rss, seconds, stderr = measure(
                    [binary, "-q", "-d", str(location)] + command)
                if code not in (0, 1):
                    sys.exit(f"{name} {label} exited {code}:\n{stderr}")
                print(f"| {name} | `retort {label}` | {rss:,.0f} | {rss / mib:.1f}x | "
                      f"{seconds:.1f} | {code} |", flush=True)


if __name__ == "__main__":
    main()
