#!/usr/bin/python3
"""Retort reading, converting and writing real Alembic projects, checked against real Alembic.

Projects under tests/alembic_projects/ (linear; branchy: branches, a merge, labels, depends_on,
two version locations, a custom file template and version table; sweetshop: the SweetShop in
op.create_table style; needs_database: a step that reads rows) are copied to a temporary
directory, then:
- `history`, `heads`, `branches`, `show` and `current` print what Alembic prints;
- `stamp` on the unconverted project moves the version rows as Alembic's stamp does, and
  `upgrade` on it is refused with a pointer to `retort convert`;
- `retort convert` then `retort upgrade heads` leaves the schema (`pg_dump --schema-only`) that
  `alembic upgrade heads` leaves from the original, likewise for `downgrade base`, and the two
  tools take turns on one database;
- steps that need a database are flagged by file and line and refuse to run;
- `retort revision -m` writes a .py script Alembic reads and runs.
Runs Debian's Alembic under /usr/bin/python3. Prints "N passed, M failed".
"""
import itertools
import os
import pathlib
import re
import shutil
import subprocess
import sys

import psycopg2

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from compat_runner import ROOT, main, new_database  # noqa: E402

PROJECTS = ROOT / "tests" / "alembic_projects"
PYTHON = "/usr/bin/python3"
VERSION_TABLES = {"branchy": "branchy_version"}


class Project:
    def __init__(self, retort, path, url):
        self.retort, self.path, self.url = retort, path, url
        self.version_table = VERSION_TABLES.get(path.name, "alembic_version")

    def alembic(self, *args, check=True):
        env = dict(os.environ, ALEMBIC_URL=self.url)
        r = subprocess.run([PYTHON, "-m", "alembic", "-c", str(self.path / "alembic.ini"), *args],
                           capture_output=True, text=True, env=env, cwd=self.path)
        if check and r.returncode != 0:
            raise AssertionError(f"alembic {' '.join(args)} failed: {r.stdout}{r.stderr}")
        return r.stdout

    def run_retort(self, location, *args, check=True, extra=()):
        r = subprocess.run([self.retort, "-d", str(location), "--url", self.url, *extra, *args],
                           capture_output=True, text=True)
        if check and r.returncode != 0:
            raise AssertionError(f"retort {' '.join(args)} failed ({r.returncode}): {r.stdout}{r.stderr}")
        return r

    def retort_(self, *args):
        return self.run_retort(self.path, *args).stdout

    def rows(self):
        with psycopg2.connect(self.url) as c, c.cursor() as cur:
            cur.execute("SELECT to_regclass(%s) IS NOT NULL", (self.version_table,))
            if not cur.fetchone()[0]:
                return []
            cur.execute(f"SELECT version_num FROM {self.version_table} ORDER BY 1")
            return [r[0] for r in cur.fetchall()]


def schema_dump(p):
    """pg_dump --schema-only without comments, SET lines and blank lines, and without Retort's
    side table (`<version table>_history`, which Alembic ignores)."""
    r = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges",
                        f"--exclude-table={p.version_table}_history*", p.url],
                       capture_output=True, text=True, check=True)
    keep = [l for l in r.stdout.splitlines()
            if l.strip() and not l.startswith("--") and not l.startswith("SET ")
            and not l.startswith("SELECT pg_catalog.set_config") and not l.startswith("\\")]
    return "\n".join(keep)


def unordered_labels(text):
    """Alembic keeps a revision's branch labels in a Python set, so their order changes from one
    process to the next (hash randomisation); compare them as sets. So are a branch point's
    children ("Branches into")."""
    text = re.sub(r"\(([\w, ]+)\)", lambda m: "(" + ", ".join(sorted(m.group(1).split(", "))) + ")", text)
    # `branches` lists the children under their branch point, one "-> child" line each.
    text = re.sub(r"(?:^ +-> .*\n)+", lambda m: "".join(sorted(m.group(0).splitlines(True))),
                  text, flags=re.M)
    return re.sub(r"^(Branch names: |Branches into: )(.*)$", lambda m: m.group(1) + ", ".join(sorted(m.group(2).split(", "))),
                  text, flags=re.M)


def expect(actual, expected, what):
    if isinstance(actual, str) and isinstance(expected, str):
        actual, expected = unordered_labels(actual), unordered_labels(expected)
    if actual != expected:
        raise AssertionError(f"{what}:\n--- expected (Alembic)\n{expected}\n--- got (Retort)\n{actual}")


def all_revisions(p):
    return [m.group(1) for m in re.finditer(r"^Rev: (\w+)", p.alembic("history", "-v"), re.M)]


def check_read_commands(p):
    for args in (["history"], ["history", "-v"], ["heads"], ["heads", "-v"], ["branches"],
                 ["branches", "-v"]):
        expect(p.retort_(*args), p.alembic(*args), " ".join(args))
    for rev in all_revisions(p):
        expect(p.retort_("show", rev), p.alembic("show", rev), f"show {rev}")


def current_rows(text):
    """`current` lists one line per version row in the order PostgreSQL returns the rows (Alembic
    does not sort them), so compare the lines as a set."""
    return sorted(l for l in text.splitlines() if l)


def check_current_and_stamp(p):
    expect(p.retort_("current"), p.alembic("current"), "current on an empty database")
    p.alembic("upgrade", "heads")
    expect(current_rows(p.retort_("current")), current_rows(p.alembic("current")),
           "current after alembic upgrade heads")
    p.retort_("stamp", "base")
    expect(p.rows(), [], "rows after retort stamp base")
    expect(p.alembic("current"), "", "alembic current after retort stamp base")
    p.retort_("stamp", "heads")
    heads = sorted(l.split()[0] for l in p.alembic("heads").splitlines())
    expect(p.rows(), heads, "rows after retort stamp heads")


def check_upgrade_refused_without_conversion(p):
    r = p.run_retort(p.path, "upgrade", "heads", check=False)
    if r.returncode == 0 or "retort convert" not in r.stderr:
        raise AssertionError(f"upgrade of an unconverted project: expected a refusal, got "
                             f"{r.returncode}: {r.stdout}{r.stderr}")
    expect(p.rows(), [], "rows after the refused upgrade")
    # The Job's entry point refuses the same way, with the "invalid scripts" exit code (6).
    r = p.run_retort(p.path, "run", "heads", "--backup", "disabled", check=False)
    if r.returncode != 6 or "retort convert" not in r.stderr + r.stdout:
        raise AssertionError(f"run of an unconverted project: expected exit 6, got "
                             f"{r.returncode}: {r.stdout}{r.stderr}")
    expect(p.rows(), [], "rows after the refused run")


def convert(p, out):
    r = subprocess.run([p.retort, "convert", str(p.path), "--to", str(out), "--python", PYTHON],
                       capture_output=True, text=True)
    return r


def check_convert_leaves_the_same_schema(p_alembic, p_retort, out):
    r = convert(p_retort, out)
    if r.returncode != 0:
        raise AssertionError(f"convert failed: {r.stdout}{r.stderr}")
    vt = ["--version-table", p_retort.version_table]
    p_alembic.alembic("upgrade", "heads")
    p_retort.run_retort(out, "upgrade", "heads", extra=vt)
    expect(schema_dump(p_retort), schema_dump(p_alembic), "schema after upgrade heads")
    expect(p_retort.rows(), p_alembic.rows(), "version rows after upgrade heads")
    expect(p_retort.run_retort(out, "history", extra=vt).stdout.replace(".sql", ".py"),
           p_alembic.alembic("history"), "history of the converted project")
    p_alembic.alembic("downgrade", "base")
    p_retort.run_retort(out, "downgrade", "base", extra=vt)
    expect(schema_dump(p_retort), schema_dump(p_alembic), "schema after downgrade base")
    expect(p_retort.rows(), [], "version rows after downgrade base")
    # Hand the database back and forth: Alembic (original) and Retort (converted) take turns.
    revisions = list(reversed(all_revisions(p_alembic)))
    first = revisions[0]
    p_retort.alembic("upgrade", first)
    p_retort.run_retort(out, "upgrade", "heads", extra=vt)
    p_alembic.alembic("upgrade", "heads")
    expect(current_rows(p_retort.alembic("current")), current_rows(p_alembic.alembic("current")),
           "alembic current after retort continued")
    expect(schema_dump(p_retort), schema_dump(p_alembic), "schema after taking turns")
    p_retort.alembic("downgrade", "base")
    expect(p_retort.rows(), [], "rows after alembic downgrade base of a retort-upgraded database")
    p_retort.run_retort(out, "upgrade", "heads", extra=vt)
    p_retort.alembic("downgrade", "base")
    p_alembic.alembic("downgrade", "base")
    expect(schema_dump(p_retort), schema_dump(p_alembic), "schema after the last turn")


def check_steps_needing_a_database(p, out):
    r = convert(p, out)
    if r.returncode != 1 or "bb02_backfill.py:19: upgrade of bb02" not in r.stderr:
        raise AssertionError(f"convert of needs_database: expected exit 1 naming bb02_backfill.py:19, "
                             f"got {r.returncode}: {r.stdout}{r.stderr}")
    text = (out / "versions" / "bb02_backfill.sql").read_text()
    if "RAISE EXCEPTION" not in text:
        raise AssertionError(f"the unrenderable step does not refuse to run:\n{text}")
    r = p.run_retort(out, "upgrade", "heads", check=False)
    if r.returncode == 0 or "bb02 was not converted" not in r.stdout + r.stderr:
        raise AssertionError(f"upgrade through the unconverted step: {r.returncode} {r.stdout}{r.stderr}")
    expect(p.rows(), ["aa01"], "rows after the refusing step")


def check_convert_without_alembic(p, work):
    fake = work / "python-without-alembic"
    fake.write_text("#!/bin/sh\nexec /usr/bin/python3 -S \"$@\"\n")
    fake.chmod(0o755)
    r = subprocess.run([p.retort, "convert", str(p.path), "--to", str(work / "never"), "--python", str(fake)],
                       capture_output=True, text=True)
    if r.returncode == 0 or "cannot import Alembic" not in r.stderr or (work / "never").exists():
        raise AssertionError(f"convert without Alembic: {r.returncode} {r.stdout}{r.stderr}")


def check_revision_writes_python(p):
    r = p.retort_("revision", "-m", "add phone")
    written = pathlib.Path(r.split("Generating ", 1)[1].split(" ...")[0].strip()) if "Generating" in r else None
    heads = p.alembic("heads")
    new = [l for l in heads.splitlines()]
    expect(len(new), 1, "one head after retort revision")
    head = new[0].split()[0]
    if head in ("3c4d5e6f7081",):
        raise AssertionError("the new revision is not Alembic's head")
    expect(p.retort_("history"), p.alembic("history"), "history after retort revision")
    p.alembic("upgrade", "heads")
    expect(p.rows(), [head], "rows after alembic ran the written script")
    if written is not None and written.suffix != ".py":
        raise AssertionError(f"revision wrote {written}")


def check_non_literal_identifier_is_an_error(p):
    bad = p.path / "versions" / "4d5e_bad.py"
    bad.write_text('"""bad"""\nimport uuid\n\nrevision = uuid.uuid4().hex[:12]\ndown_revision = None\n')
    r = p.run_retort(p.path, "history", check=False)
    if r.returncode == 0 or f"{bad}:4: 'revision' must be a literal" not in r.stderr:
        raise AssertionError(f"non-literal revision: {r.returncode} {r.stdout}{r.stderr}")


_copy_numbers = itertools.count(1)


def copy_project(retort, work, admin_url, name):
    """A fresh copy of tests/alembic_projects/NAME in `work`, on a fresh database."""
    n = next(_copy_numbers)
    copy = work / f"{name}-{n}" / name
    shutil.copytree(PROJECTS / name, copy)
    return Project(retort, copy, new_database(admin_url, f"{name}_{n}"))


def cases(retort, work, admin_url):
    def project(name):
        return copy_project(retort, work, admin_url, name)

    result = []
    for name in ("linear", "branchy", "sweetshop"):
        result += [
            (f"read_commands_{name}", lambda n=name: check_read_commands(project(n))),
            (f"current_and_stamp_{name}", lambda n=name: check_current_and_stamp(project(n))),
            (f"convert_same_schema_{name}", lambda n=name: check_convert_leaves_the_same_schema(
                project(n), project(n), work / f"converted-{n}")),
        ]
    result += [
        ("upgrade_refused_without_conversion", lambda: check_upgrade_refused_without_conversion(project("linear"))),
        ("steps_needing_a_database", lambda: check_steps_needing_a_database(project("needs_database"), work / "nd")),
        ("convert_without_alembic", lambda: check_convert_without_alembic(project("linear"), work)),
        ("revision_writes_python", lambda: check_revision_writes_python(project("linear"))),
        ("non_literal_identifier_is_an_error", lambda: check_non_literal_identifier_is_an_error(project("linear"))),
    ]
    return result


if __name__ == "__main__":
    sys.exit(main("retort-alembic-projects.", cases))
