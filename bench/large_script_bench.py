#!/usr/bin/python3
"""Peak memory of Retort on one very large script, baseline and candidate side by side.

Generates a script location holding one revision whose upgrade section has --statements
statements (default 1,000,000: about 60 MB), then runs, for each binary given,
`retort upgrade head --sql` (offline SQL to /dev/null) and `retort lint`, and reports each
process's peak resident set size (the kernel's ru_maxrss, as `/usr/bin/time -v` prints it) and
wall-clock time. A command still running after --timeout seconds is killed and reported with
its peak so far. Needs no database. Prints a Markdown table.

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


def measure(command, timeout):
    """Runs `command`, killing it after `timeout` seconds; returns (exit code or None when
    killed, peak RSS in MiB, seconds, end of stderr)."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as null, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=null, stderr=err)
        killed = False
        # wait4 (not Popen.wait, which would reap the child first) gives its resource usage.
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid != 0:
                break
            if not killed and time.perf_counter() - start > timeout:
                process.kill()
                killed = True
            time.sleep(0.05)
        process.returncode = 0  # reaped above; keeps Popen from waiting again
        elapsed = time.perf_counter() - start
        err.seek(0)
        stderr = err.read().decode(errors="replace")[-500:]
    code = None if killed else os.waitstatus_to_exitcode(status)
    return code, usage.ru_maxrss / 1024.0, elapsed, stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retort", help="the candidate binary")
    parser.add_argument("--baseline", help="the binary to compare with (e.g. built from main)")
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--timeout", type=float, default=900,
                        help="seconds after which a command is killed and reported as such")
    args = parser.parse_args()
    binaries = [("baseline", args.baseline)] if args.baseline else []
    if args.retort:
        binaries.append(("candidate", args.retort))
    if not binaries:
        parser.error("give --retort, --baseline or both")
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
                    [binary, "-q", "-d", str(location)] + command, args.timeout)
                if code is not None and code not in (0, 1):
                    sys.exit(f"{name} {label} exited {code}:\n{stderr}")
                wall = f"{seconds:.1f}" if code is not None else f"killed at {seconds:.0f}"
                print(f"| {name} | `retort {label}` | {rss:,.0f} | {rss / mib:.1f}x | "
                      f"{wall} | {'-' if code is None else code} |", flush=True)


if __name__ == "__main__":
    main()
