#!/usr/bin/env python3
"""Renders every revision of an Alembic project as offline SQL, one marked block per step.

`retort convert` runs this helper (it never runs Python itself): Alembic's own offline mode
(`--sql`) renders each step through the project's env.py, so the SQL is exactly what
`alembic upgrade --sql` would print. Usage: alembic_offline_sql.py INI upgrade|downgrade.
Output on stdout, one block per step:
    -- retort:begin <upgrade|downgrade> <revision>
    ...SQL...
    -- retort:end <revision>
or, for a step that cannot be rendered without a database (it reads from the connection,
reflects, or fails offline):
    -- retort:unrenderable <revision> <line> <reason>
"""
import functools
import re
import sys
import traceback

try:
    from alembic import op
    from alembic.config import Config
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory
except ImportError as e:  # the caller turns exit status 3 into a clear message
    print(f"cannot import Alembic: {e}", file=sys.stderr)
    sys.exit(3)

# Python that needs a live connection: reading rows, reflecting, inspecting.
NEEDS_DATABASE = re.compile(
    r"get_bind\s*\(|\.bind\b|\binspect\s*\(|\.reflect\s*\(|autoload|\.fetch(all|one|many)\s*\(|"
    r"\.scalars?\s*\(|\.first\s*\(\)|\.execute\s*\(\s*(sa\.)?(select|text)\s*\(")


def function_lines(path, name):
    """Line numbers of the body of module-level `def name(` in the file at path."""
    lines = open(path, encoding="utf-8").read().splitlines()
    body, inside = [], False
    for number, line in enumerate(lines, 1):
        if re.match(rf"def\s+{name}\s*\(", line):
            inside = True
            continue
        if inside and line and not line[0].isspace() and not line.startswith("#"):
            inside = False
        if inside:
            body.append((number, line))
    return body


def needs_database(path, name):
    for number, line in function_lines(path, name):
        code = line.split("#", 1)[0]
        match = NEEDS_DATABASE.search(code)
        if match:
            return number, f"{match.group(0).strip()} needs a database connection"
    return None


def wrap(script, direction):
    original = getattr(script.module, direction)
    found = needs_database(script.path, direction)

    @functools.wraps(original)
    def rendered(*args, **kw):
        output = op.get_context().impl.static_output
        if found:
            output(f"-- retort:unrenderable {script.revision} {found[0]} {found[1]}")
            return
        output(f"-- retort:begin {direction} {script.revision}")
        try:
            original(*args, **kw)
        except Exception as e:  # offline mode cannot run this step
            line = 0
            for frame in traceback.extract_tb(e.__traceback__):
                if frame.filename == script.path:
                    line = frame.lineno
            reason = f"{type(e).__name__}: {e}".replace("\n", " ")
            output(f"-- retort:unrenderable {script.revision} {line} fails offline ({reason})")
            return
        output(f"-- retort:end {script.revision}")

    setattr(script.module, direction, rendered)


def main():
    ini, direction = sys.argv[1], sys.argv[2]
    config = Config(ini)
    script = ScriptDirectory.from_config(config)
    for revision in script.walk_revisions():
        wrap(revision, direction)
    heads = tuple(script.get_heads())
    if direction == "upgrade":
        fn = lambda rev, context: script._upgrade_revs("heads", rev)  # noqa: E731
        starting, destination = None, "heads"
    else:
        fn = lambda rev, context: script._downgrade_revs("base", rev)  # noqa: E731
        starting, destination = heads, "base"
    with EnvironmentContext(config, script, fn=fn, as_sql=True, starting_rev=starting,
                            destination_rev=destination):
        script.run_env()


if __name__ == "__main__":
    main()
