#!/usr/bin/python3
"""`alembic check`, timed, on Debian's Alembic 1.8, which predates the command: the body of
Alembic 1.9's `alembic.command.check` on 1.8's own API. It reads the configuration and the
script directory, runs env.py, which connects, and lets autogenerate confirm that the database
is at the scripts' heads and compare it with the target metadata (compare_type on), exactly as
`alembic check` does.

compare_server_default is off: with reflected metadata Alembic 1.8 renders defaults such as
''::text into invalid SQL, and leaving it off only makes Alembic's side faster (it would run
one SELECT per column default otherwise), so the comparison stays conservative.

The target metadata stands in for the application's models. env.py reflects it from a
reference database holding the desired schema, which a real project would not do, so that time
is measured and subtracted: the figure is `alembic check` minus the import of the models,
i.e. a lower bound.

    alembic_check.py setup RETORT_LOCATION ALEMBIC_DIR
        writes an Alembic project equivalent to the Retort script location
    alembic_check.py ALEMBIC_INI DATABASE_URL REFERENCE_URL
        -> prints "<seconds spent building the metadata> <number of differences>"
"""
import os
import pathlib
import sys

ENV_PY = '''
import os
import time

from alembic import context
from sqlalchemy import MetaData, create_engine

started = time.perf_counter()
target_metadata = MetaData()
with create_engine(os.environ["ALEMBIC_REFERENCE_URL"]).connect() as reference:
    target_metadata.reflect(bind=reference)
context.config.attributes["models_time"] = time.perf_counter() - started

with create_engine(os.environ["ALEMBIC_URL"]).connect() as connection:
    context.configure(
        connection=connection, target_metadata=target_metadata, compare_type=True,
        compare_server_default=False,
        include_name=lambda name, kind, parent: not (
            kind == "table" and (name or "").startswith("alembic_version")))
    with context.begin_transaction():
        context.run_migrations()
'''


def setup(location, target):
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests" / "compat"))
    from alembic_compat import alembic_env_from  # the compatibility test's converter
    alembic_env_from(location, pathlib.Path(target))
    (pathlib.Path(target) / "env.py").write_text(ENV_PY)


def check(ini, database_url, reference_url):
    from alembic import autogenerate
    from alembic.config import Config
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory

    os.environ["ALEMBIC_URL"] = database_url
    os.environ["ALEMBIC_REFERENCE_URL"] = reference_url
    config = Config(ini)
    # From here on, alembic.command.check as of Alembic 1.9.
    script_directory = ScriptDirectory.from_config(config)
    command_args = dict(message=None, autogenerate=True, sql=False, head="head", splice=False,
                        branch_label=None, version_path=None, rev_id=None, depends_on=None)
    revision_context = autogenerate.RevisionContext(config, script_directory, command_args)

    def retrieve_migrations(rev, context):
        revision_context.run_autogenerate(rev, context)
        return []

    with EnvironmentContext(config, script_directory, fn=retrieve_migrations, as_sql=False,
                            template_args=revision_context.template_args,
                            revision_context=revision_context):
        script_directory.run_env()
    differences = revision_context.generated_revisions[-1].upgrade_ops.as_diffs()
    print(f"{config.attributes['models_time']:.4f} {len(differences)}")


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(sys.argv[2], sys.argv[3])
    else:
        check(*sys.argv[1:4])
