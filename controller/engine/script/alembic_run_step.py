#!/usr/bin/env python3
"""Runs exactly one step of an Alembic project online, with the project's own Alembic and env.py.

`retort run --executor alembic` runs this helper once per planned step (Retort plans from the
scripts' headers, applies policy and takes the backup; Alembic executes the step's Python).
Usage: alembic_run_step.py INI upgrade|downgrade REVISION

The database URL is read from $DATABASE_URL (never from the command line, which /proc shows)
and set as the Config's `sqlalchemy.url`, which the usual env.py reads. The step runs in
Alembic's own transaction, which also moves the version table, so the step and its version
change commit together.

Exit status: 0 the step ran; 1 the step failed, after one line on stderr
    retort:failed <line in the script, or 0> <SQLSTATE, or -> <message>
3 Alembic cannot be imported; 4 the revision is not in the project; anything else: Alembic or
env.py failed before the step.
"""
import os
import sys
import traceback

try:
    from alembic.runtime import migration
    from alembic.config import Config
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory
except ImportError as e:  # the caller turns exit status 3 into a clear message
    print(f"cannot import Alembic: {e}", file=sys.stderr)
    sys.exit(3)


def sqlalchemy_url(url):
    # libpq and Retort accept postgres://; SQLAlchemy only postgresql://.
    if url.startswith("postgres://"):
        return "postgresql://" + url[len("postgres://"):]
    return url


def failure_line(error, path):
    line = 0
    for frame in traceback.extract_tb(error.__traceback__):
        if os.path.abspath(frame.filename) == os.path.abspath(path):
            line = frame.lineno
    return line


def main():
    ini, direction, revision = sys.argv[1], sys.argv[2], sys.argv[3]
    config = Config(ini)
    url = os.environ.get("DATABASE_URL")
    if url:
        # ConfigParser interpolation: a literal % is written %%.
        config.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
    script = ScriptDirectory.from_config(config)
    try:
        target = script.get_revision(revision)
    except Exception as e:  # noqa: BLE001 - Alembic raises several kinds here
        print(f"revision {revision} is not in the project: {e}", file=sys.stderr)
        sys.exit(4)
    if target is None:
        print(f"revision {revision} is not in the project", file=sys.stderr)
        sys.exit(4)

    def one_step(heads, context):
        if direction == "upgrade":
            return [migration.MigrationStep.upgrade_from_script(script.revision_map, target)]
        return [migration.MigrationStep.downgrade_from_script(script.revision_map, target)]

    try:
        with EnvironmentContext(config, script, fn=one_step, as_sql=False,
                                destination_rev=revision):
            script.run_env()
    except Exception as e:  # noqa: BLE001 - reported to Retort, which writes the report
        original = getattr(e, "orig", None)
        sqlstate = getattr(original, "pgcode", None) or "-"
        message = f"{type(e).__name__}: {original if original is not None else e}"
        message = " ".join(str(message).split())
        traceback.print_exc(file=sys.stderr)
        print(f"retort:failed {failure_line(e, target.path)} {sqlstate} {message}",
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
