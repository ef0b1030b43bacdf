"""Alembic environment shared in spirit by the test projects: the database URL comes from
$ALEMBIC_URL (the tests set it), and an optional version_table in alembic.ini is honoured."""
import os

from alembic import context
from sqlalchemy import create_engine

config = context.config
url = os.environ.get("ALEMBIC_URL") or config.get_main_option("sqlalchemy.url")
options = dict(
    version_table=config.get_main_option("version_table", "alembic_version"),
    version_table_schema=config.get_main_option("version_table_schema"),
)


def run_migrations_offline():
    context.configure(url=url, literal_binds=True, dialect_opts={"paramstyle": "named"}, **options)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
