#!/usr/bin/python3
"""What `alembic check` does, timed: runs Alembic's autogenerate comparison
(alembic.autogenerate.compare_metadata, the function behind `alembic check` since 1.9)
between a database and SQLAlchemy metadata describing the desired schema, with compare_type
on. compare_server_default is off: with reflected metadata Alembic 1.8 renders defaults such
as ''::text into invalid SQL, and leaving it off only makes Alembic's side faster (it would
run one SELECT per column default otherwise), so the comparison stays conservative.

The metadata stands in for the application's models. It is reflected from a reference
database holding the desired schema, which a real project would not do, so that time is
measured separately and subtracted: the figure printed is Python's start-up and imports plus
the comparison, i.e. a lower bound of `alembic check`.

    alembic_check.py DATABASE_URL REFERENCE_URL
        -> prints "<seconds spent building the metadata> <number of differences>"
"""
import sys
import time

from alembic.autogenerate import compare_metadata  # noqa: E402
from alembic.migration import MigrationContext  # noqa: E402
from sqlalchemy import MetaData, create_engine  # noqa: E402


def main():
    database_url, reference_url = sys.argv[1], sys.argv[2]
    before_models = time.perf_counter()
    metadata = MetaData()
    with create_engine(reference_url).connect() as reference:
        metadata.reflect(bind=reference)
    models_time = time.perf_counter() - before_models
    with create_engine(database_url).connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "compare_server_default": False,
                  "include_name": lambda name, kind, parent: not (
                      kind == "table" and (name or "").startswith("alembic_version"))})
        differences = compare_metadata(context, metadata)
    print(f"{models_time:.4f} {len(differences)}")


if __name__ == "__main__":
    main()
