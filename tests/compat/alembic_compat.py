#!/usr/bin/python3
"""Retort and real Alembic taking turns on the same PostgreSQL database.

Builds an Alembic environment whose scripts carry the same revision ids, parents, labels and
SQL as a Retort script location, then checks that each tool reads and continues what the
other wrote: version rows, `current`, `history`, upgrades and downgrades in both directions.
Runs Debian's Alembic (python3-alembic) under /usr/bin/python3. Prints "N passed, M failed".
"""
import os
import pathlib
import re
import subprocess
import sys

import psycopg2

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from compat_runner import ROOT, main, new_database  # noqa: E402

HEADER = re.compile(r"^-- ([a-z_]+):\s*(.*?)\s*$")

ENV_PY = '''
import os
from alembic import context
from sqlalchemy import create_engine

def run_migrations_offline():
    context.configure(url=os.environ["ALEMBIC_URL"], literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()

def run_migrations_online():
    engine = create_engine(os.environ["ALEMBIC_URL"])
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()

if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''

SCRIPT_PY = '''"""{message}

Revision ID: {rev}
Revises: {down}
"""
from alembic import op

revision = {rev!r}
down_revision = {down_value!r}
branch_labels = {labels!r}
depends_on = {deps!r}

UPGRADE = {upgrade!r}
DOWNGRADE = {downgrade!r}


def upgrade():
    if UPGRADE.strip():
        op.execute(UPGRADE)


def downgrade():
    if DOWNGRADE.strip():
        op.execute(DOWNGRADE)
'''


def parse_sql_script(path):
    header, section, upgrade, downgrade = {}, None, [], []
    for line in path.read_text().splitlines(keepends=True):
        if line.strip() == "-- migrate:upgrade":
            section = upgrade
        elif line.strip() == "-- migrate:downgrade":
            section = downgrade
        elif section is not None:
            section.append(line)
        elif HEADER.match(line):
            key, value = HEADER.match(line).groups()
            header[key] = value
    split = lambda v: [x.strip() for x in v.split(",") if x.strip()]
    return {
        "rev": header["revision"],
        "downs": split(header.get("down_revision", "")),
        "labels": split(header.get("branch_labels", "")),
        "deps": split(header.get("depends_on", "")),
        "message": header.get("message", ""),
        "upgrade": "".join(upgrade),
        "downgrade": "".join(downgrade),
    }


def alembic_env_from(location, target):
    versions = target / "versions"
    versions.mkdir(parents=True)
    (target / "env.py").write_text(ENV_PY)
    (target / "script.py.mako").write_text("")
    (target / "alembic.ini").write_text(f"[alembic]\nscript_location = {target}\n")
    for path in sorted((pathlib.Path(location) / "versions").glob("*.sql")):
        s = parse_sql_script(path)
        downs = s["downs"]
        down_value = None if not downs else downs[0] if len(downs) == 1 else tuple(downs)
        (versions / f"{s['rev']}.py").write_text(SCRIPT_PY.format(
            message=s["message"], rev=s["rev"], down=", ".join(downs), down_value=down_value,
            labels=tuple(s["labels"]) or None, deps=tuple(s["deps"]) or None,
            upgrade=s["upgrade"], downgrade=s["downgrade"]))
    return target / "alembic.ini"


class Tools:
    def __init__(self, retort, location, ini, url):
        self.retort, self.location, self.ini, self.url = retort, location, ini, url

    def alembic(self, *args):
        env = dict(os.environ, ALEMBIC_URL=self.url)
        r = subprocess.run(["/usr/bin/python3", "-m", "alembic", "-c", str(self.ini), *args],
                           capture_output=True, text=True, env=env)
        if r.returncode != 0:
            raise AssertionError(f"alembic {' '.join(args)} failed: {r.stdout}{r.stderr}")
        return r.stdout

    def retort_(self, *args):
        r = subprocess.run([self.retort, "-d", str(self.location), "--url", self.url, *args],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise AssertionError(f"retort {' '.join(args)} failed: {r.stdout}{r.stderr}")
        return r.stdout

    def rows(self):
        with psycopg2.connect(self.url) as c, c.cursor() as cur:
            cur.execute("SELECT to_regclass('alembic_version') IS NOT NULL")
            if not cur.fetchone()[0]:
                return []
            cur.execute("SELECT version_num FROM alembic_version ORDER BY 1")
            return [r[0] for r in cur.fetchall()]

    def tables(self):
        with psycopg2.connect(self.url) as c, c.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename NOT LIKE 'alembic_version%' ORDER BY 1")
            return [r[0] for r in cur.fetchall()]


def expect(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


SWEETSHOP_HEAD = "2a3b7c4d5e07"


def test_alembic_upgrades_then_retort_continues(t):
    t.alembic("upgrade", "9c5d3e7f2a03")
    expect(t.retort_("current"), "9c5d3e7f2a03\n", "retort current after alembic upgrade")
    t.retort_("upgrade", "head")
    expect(t.alembic("current"), f"{SWEETSHOP_HEAD} (head)\n", "alembic current after retort upgrade")
    t.alembic("downgrade", "-2")
    expect(t.retort_("current"), "4e7f5a9b2c05\n", "retort current after alembic downgrade")
    t.retort_("downgrade", "base")
    expect(t.alembic("current"), "", "alembic current after retort downgrade base")
    expect(t.tables(), [], "tables after downgrade base")


def test_retort_upgrades_then_alembic_downgrades(t):
    t.retort_("upgrade", "head")
    expect(t.alembic("current"), f"{SWEETSHOP_HEAD} (head)\n", "alembic current")
    t.alembic("downgrade", "base")
    expect(t.tables(), [], "tables after alembic downgrade base")
    expect(t.retort_("current"), "", "retort current after alembic downgrade base")
    t.alembic("upgrade", "+3")
    t.retort_("upgrade", "+1")
    expect(t.rows(), ["1d6e4f8a3b04"], "rows after alembic +3 and retort +1")


def test_history_and_heads_print_the_same(t):
    expect(t.retort_("history"), t.alembic("history"), "history")
    expect(t.retort_("heads"), t.alembic("heads"), "heads")
    expect(t.retort_("history", "-r", "7b4e:4e7f"), t.alembic("history", "-r", "7b4e:4e7f"), "history -r")


def statements(sql):
    """The statements of an offline script, without comments and whitespace differences."""
    text = "\n".join(l for l in sql.splitlines() if not l.strip().startswith("--"))
    text = text.replace(" RETURNING alembic_version.version_num", "")
    return [" ".join(s.split()) for s in text.split(";") if s.strip()]


def test_offline_sql_runs_the_same_statements(t):
    expect(statements(t.retort_("upgrade", "head", "--sql")), statements(t.alembic("upgrade", "head", "--sql")),
           "upgrade --sql")
    expect(statements(t.retort_("downgrade", f"{SWEETSHOP_HEAD}:7b4e2d8a1c02", "--sql")),
           statements(t.alembic("downgrade", f"{SWEETSHOP_HEAD}:7b4e2d8a1c02", "--sql")), "downgrade --sql")


BRANCHY = [  # Alembic's documented example graph: branches, a merge, a label and depends_on.
    ("1_aaaa.sql", "aaaa1111", "", "", ""),
    ("2_bbbb.sql", "bbbb2222", "aaaa1111", "", ""),
    ("3_cccc.sql", "cccc3333", "bbbb2222", "", ""),
    ("4_dddd.sql", "dddd4444", "bbbb2222", "", ""),
    ("5_eeee.sql", "eeee5555", "cccc3333, dddd4444", "", ""),
    ("6_ffff.sql", "ffff0001", "", "audit", ""),
    ("7_ffff.sql", "ffff0002", "ffff0001", "", "bbbb2222"),
]


def branchy_location(root):
    location = root / "branchy"
    (location / "versions").mkdir(parents=True)
    for name, rev, down, labels, deps in BRANCHY:
        (location / "versions" / name).write_text(
            f"-- revision: {rev}\n-- down_revision: {down}\n-- branch_labels: {labels}\n-- depends_on: {deps}\n"
            f"-- message: {rev}\n\n-- migrate:upgrade\nCREATE TABLE IF NOT EXISTS t_{rev} (id int);\n\n"
            f"-- migrate:downgrade\nDROP TABLE IF EXISTS t_{rev};\n")
    return location


def test_branchy_graph_leaves_the_same_rows(alembic_tools, retort_tools):
    steps = [("upgrade", "cccc3333"), ("upgrade", "heads"), ("downgrade", "bbbb2222"), ("upgrade", "eeee5555"),
             ("downgrade", "cccc3333"), ("upgrade", "audit@head"), ("stamp", "aaaa1111"), ("stamp", "heads"),
             ("downgrade", "base")]
    for command, target in steps:
        alembic_tools.alembic(command, target)
        retort_tools.retort_(command, target)
        expect(retort_tools.rows(), alembic_tools.rows(), f"rows after {command} {target}")
        expect(retort_tools.tables(), alembic_tools.tables(), f"tables after {command} {target}")


def cases(retort, work, admin_url):
    sweetshop = ROOT / "migrations"
    sweetshop_ini = alembic_env_from(sweetshop, work / "alembic-sweetshop")
    branchy = branchy_location(work)
    branchy_ini = alembic_env_from(branchy, work / "alembic-branchy")

    def on_sweetshop(check):  # one fresh database per case, named after it
        name = check.__name__
        return name, lambda: check(Tools(retort, sweetshop, sweetshop_ini,
                                         new_database(admin_url, name[5:40])))

    def on_branchy_twins(check):
        name = check.__name__
        return name, lambda: check(
            Tools(retort, branchy, branchy_ini, new_database(admin_url, name[5:40] + "_alembic")),
            Tools(retort, branchy, branchy_ini, new_database(admin_url, name[5:40] + "_retort")))

    return [
        on_sweetshop(test_alembic_upgrades_then_retort_continues),
        on_sweetshop(test_retort_upgrades_then_alembic_downgrades),
        on_sweetshop(test_history_and_heads_print_the_same),
        on_sweetshop(test_offline_sql_runs_the_same_statements),
        on_branchy_twins(test_branchy_graph_leaves_the_same_rows),
    ]


if __name__ == "__main__":
    sys.exit(main("retort-compat.", cases))
