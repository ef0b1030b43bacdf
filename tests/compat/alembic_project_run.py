#!/usr/bin/python3
"""`retort run --executor alembic`: an unconverted Alembic project run as it is, its steps
executed by the project's own (real) Alembic, under Retort's contract (DESIGN.md section 5).

On a real PostgreSQL, with the projects of tests/alembic_projects/ copied unchanged:
- the SweetShop from empty to head with a required backup: exit 0, report Succeeded with the
  7 steps, the backup verifies, one history row per step carries the run id, and the schema is
  the one `alembic upgrade head` leaves on a twin database;
- `--plan-only` for `base` reports data loss from lint on Alembic's offline SQL (DROP TABLE);
  the same run without `--allow-data-loss` exits 3 and changes nothing (rows, schema, no
  backup); with it, the database ends at base with the twin's schema;
- a step that fails in the database: exit 1, the report names the .py file, the line of the
  failing call and the SQLSTATE; the database stays at the step before;
- a step Alembic cannot render offline (needs_database): refused as possible data loss
  without `--allow-data-loss` (exit 3); with it, Alembic runs the step online;
- a Python without Alembic: exit 6 before anything is touched; without `--executor alembic`
  the project's .py steps are still refused (exit 6);
- as the operator's Job runs it (as root only, for chroot): the application file system of
  tests/alembic_projects/app-image.sh (host Python and Alembic, the SweetShop at /app/alembic,
  no Retort), Retort's bundle (scripts/retort-bundle.sh) copied into its /retort by `retort
  copy-bundle`, and `/retort/bin/retort run head --executor alembic` with a required backup run
  inside it as user 65532: exit 0, the report, the backup made by the bundle's pg_dump.
Prints "N passed, M failed".
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import psycopg2

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from alembic_project_compat import PYTHON, copy_project, expect, schema_dump  # noqa: E402
from compat_runner import ROOT, main  # noqa: E402

SWEETSHOP_HEAD = "2a3b7c4d5e07"


def run(p, *args, python=PYTHON, executor=True):
    """`retort -d PROJECT run ...`: (exit code, report dict, stdout + stderr)."""
    report = p.path.parent / "report.json"
    if report.exists():
        report.unlink()
    extra = ["--executor", "alembic", "--python", python] if executor else []
    r = subprocess.run([p.retort, "-d", str(p.path), "run", *args, "--report", str(report),
                        "--retry-for", "0", *extra],
                       capture_output=True, text=True, env=dict(os.environ, DATABASE_URL=p.url))
    data = json.loads(report.read_text()) if report.exists() else {}
    return r.returncode, data, r.stdout + r.stderr


def history(p, run_id):
    with psycopg2.connect(p.url) as c, c.cursor() as cur:
        cur.execute("SELECT revision, operation, success FROM alembic_version_history "
                    "WHERE run_id = %s ORDER BY id", (run_id,))
        return cur.fetchall()


def expect_code(code, wanted, out, what):
    if code != wanted:
        raise AssertionError(f"{what}: expected exit {wanted}, got {code}:\n{out}")


def check_sweetshop_up_and_down(p, twin, work):
    backups = work / "backups"
    code, report, out = run(p, "head", "--backup", "required", "--backup-dir", str(backups),
                            "--run-id", "up-1")
    expect_code(code, 0, out, "run head")
    expect((report["outcome"], report["steps"], report["to"]), ("Succeeded", 7, [SWEETSHOP_HEAD]),
           "report of run head")
    expect(p.rows(), [SWEETSHOP_HEAD], "version rows after run head")
    dumps = sorted(backups.glob("*.dump"))
    if len(dumps) != 1 or report["backup"]["file"] != str(dumps[0]):
        raise AssertionError(f"expected one backup named in the report, found {dumps}: {report}")
    subprocess.run(["pg_restore", "--list", str(dumps[0])], check=True, capture_output=True)
    rows = history(p, "up-1")
    if len(rows) != 7 or not all(op == "upgrade" and ok for _, op, ok in rows):
        raise AssertionError(f"history rows of run up-1: {rows}")
    twin.alembic("upgrade", "head")
    expect(schema_dump(p), schema_dump(twin), "schema after run head (Alembic's twin: upgrade head)")

    # Data-loss policy from lint on the SQL Alembic renders offline for the downgrade.
    before = schema_dump(p)
    code, report, out = run(p, "base", "--allow-downgrade", "--plan-only")
    expect_code(code, 0, out, "run base --plan-only")
    if not report.get("dataLoss"):
        raise AssertionError(f"downgrade to base drops tables, but the plan has no data loss: {report}")
    code, report, out = run(p, "base", "--allow-downgrade", "--backup", "required",
                            "--backup-dir", str(backups))
    expect_code(code, 3, out, "run base without --allow-data-loss")
    expect(report["reason"], "DataLossNotAllowed", "reason of the refused downgrade")
    expect(p.rows(), [SWEETSHOP_HEAD], "rows after the refused downgrade")
    expect(schema_dump(p), before, "schema after the refused downgrade")
    expect(len(list(backups.glob("*.dump"))), 1, "backups after the refused downgrade")

    code, report, out = run(p, "base", "--allow-downgrade", "--allow-data-loss",
                            "--backup", "disabled", "--run-id", "down-1")
    expect_code(code, 0, out, "run base --allow-data-loss")
    expect(p.rows(), [], "rows after run base")
    twin.alembic("downgrade", "base")
    expect(schema_dump(p), schema_dump(twin), "schema after run base (twin: downgrade base)")
    expect(len(history(p, "down-1")), 7, "history rows of the downgrade")


def check_failing_step(p):
    purchases = next(p.path.glob("versions/*_purchases.py"))
    text = purchases.read_text()
    text = text.replace('    op.create_index("purchases_sweet_id_idx"',
                        '    op.execute("INSERT INTO no_such_table VALUES (1)")\n'
                        '    op.create_index("purchases_sweet_id_idx"', 1)
    purchases.write_text(text)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "no_such_table" in l)
    code, report, out = run(p, "head", "--backup", "disabled")
    expect_code(code, 1, out, "run head through a failing step")
    step = report.get("failedStep", {})
    expect((step.get("revision"), pathlib.Path(step.get("file", "")).name, step.get("line"),
            step.get("sqlstate")), ("9c5d3e7f2a03", purchases.name, line, "42P01"),
           "failedStep of the report")
    expect(p.rows(), ["7b4e2d8a1c02"], "rows after the failing step")
    with psycopg2.connect(p.url) as c, c.cursor() as cur:
        cur.execute("SELECT to_regclass('purchases') IS NULL")
        if not cur.fetchone()[0]:
            raise AssertionError("the failing step's table exists: its transaction did not roll back")


def check_unrenderable_step(p):
    code, report, out = run(p, "heads", "--backup", "disabled")
    expect_code(code, 3, out, "run through a step Alembic cannot render offline")
    if report.get("reason") != "DataLossNotAllowed" or "bb02" not in out:
        raise AssertionError(f"expected a data-loss refusal naming bb02: {report}\n{out}")
    expect(p.rows(), [], "rows after the refusal")
    code, report, out = run(p, "heads", "--backup", "disabled", "--allow-data-loss")
    expect_code(code, 0, out, "run heads --allow-data-loss")
    expect(p.rows(), ["bb02"], "rows after Alembic ran the step online")


def check_python_without_alembic(p, work):
    fake = work / "python-without-alembic"
    fake.write_text("#!/bin/sh\nexec /usr/bin/python3 -S \"$@\"\n")
    fake.chmod(0o755)
    code, report, out = run(p, "head", "--backup", "disabled", python=str(fake))
    expect_code(code, 6, out, "run with a Python that lacks Alembic")
    if report.get("reason") != "AlembicUnavailable" or "cannot import Alembic" not in out:
        raise AssertionError(f"expected AlembicUnavailable: {report}\n{out}")
    expect(p.rows(), [], "rows after the refusal")
    code, report, out = run(p, "head", "--backup", "disabled", executor=False)
    expect_code(code, 6, out, "run of .py steps without --executor alembic")
    expect(p.rows(), [], "rows after the refusal")


def check_app_image_in_chroot(p, work):
    rootfs = work / "app-rootfs"
    subprocess.run([str(ROOT / "tests/alembic_projects/app-image.sh"), "--rootfs", str(rootfs)],
                   check=True, capture_output=True, text=True)
    if (rootfs / "retort").exists() or list(rootfs.glob("usr/bin/retort*")):
        raise AssertionError("the application file system already holds Retort")
    bundle = work / "bundle"
    subprocess.run([str(ROOT / "scripts/retort-bundle.sh"), str(bundle), "--mount", "/retort"],
                   check=True, capture_output=True, text=True, env=dict(os.environ, RETORT=p.retort))
    # What the Job's init container does (there from the Retort image's /opt/retort).
    subprocess.run([p.retort, "copy-bundle", str(rootfs / "retort"), "--from", str(bundle)],
                   check=True, capture_output=True, text=True)
    (rootfs / "tmp" / "backups").mkdir(mode=0o777)
    os.chmod(rootfs / "tmp" / "backups", 0o777)
    chroot = shutil.which("chroot") or "/usr/sbin/chroot"  # looked up before PATH changes
    r = subprocess.run([chroot, "--userspec=65532:65532", str(rootfs), "/retort/bin/retort",
                        "-d", "/app/alembic", "run", "head", "--executor", "alembic",
                        "--backup", "required", "--backup-dir", "/tmp/backups",
                        "--report", "/tmp/report.json", "--run-id", "chroot-1"],
                       capture_output=True, text=True,
                       # A chroot has no /proc, from which retort finds share/retort beside its
                       # bin/ in a container; name the bundle's helpers directly.
                       env={"DATABASE_URL": p.url, "PATH": "/retort/bin:/usr/local/bin:/usr/bin:/bin",
                            "RETORT_ALEMBIC_HELPERS": "/retort/share/retort"})
    expect_code(r.returncode, 0, r.stdout + r.stderr, "retort run inside the application file system")
    report = json.loads((rootfs / "tmp" / "report.json").read_text())
    expect((report["outcome"], report["steps"], report["to"]), ("Succeeded", 7, [SWEETSHOP_HEAD]),
           "report of the run inside the application file system")
    expect(p.rows(), [SWEETSHOP_HEAD], "rows after the run inside the application file system")
    dumps = list((rootfs / "tmp" / "backups").glob("*.dump"))
    expect(len(dumps), 1, "backups written inside the application file system")
    expect(len(history(p, "chroot-1")), 7, "history rows of the run")


def cases(retort, work, admin_url):
    def project(name):
        return copy_project(retort, work, admin_url, name)

    result = [
        ("sweetshop_up_and_down", lambda: check_sweetshop_up_and_down(
            project("sweetshop"), project("sweetshop"), work)),
        ("failing_step", lambda: check_failing_step(project("sweetshop"))),
        ("unrenderable_step", lambda: check_unrenderable_step(project("needs_database"))),
        ("python_without_alembic", lambda: check_python_without_alembic(project("sweetshop"), work)),
    ]
    if os.geteuid() == 0:
        result.append(("app_image_in_chroot",
                       lambda: check_app_image_in_chroot(project("sweetshop"), work)))
    else:
        print("SKIP app_image_in_chroot: needs root for chroot (not counted as passed)", flush=True)
    return result


if __name__ == "__main__":
    sys.exit(main("retort-alembic-run.", cases))
