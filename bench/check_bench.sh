#!/usr/bin/env bash
# `retort check` against `alembic check`, on the SweetShop and on a generated schema
# of many tables, on a throwaway PostgreSQL. Writes the table into docs/schema.md.
#
#   bench/check_bench.sh [--retort PATH] [--tables 500] [--repeat 5]
#
# Needs Debian's python3-alembic, python3-sqlalchemy and python3-psycopg2 under /usr/bin/python3
# (Alembic 1.8 has no `check` command; bench/check/alembic_check.py runs the body of Alembic
# 1.9's).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/check/run.py" "$@"
