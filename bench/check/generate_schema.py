#!/usr/bin/python3
"""Writes a Retort script location holding a generated schema of N tables for the `check`
benchmark: <out>/schema.sql (the desired schema) and <out>/versions/0001_...sql (one revision
creating exactly that schema, so a database upgraded to head matches it).

Each table has an identity key, a handful of typed columns with defaults, a check constraint,
a unique constraint, two indexes (one partial) and, from the second table on, a foreign key
to an earlier table; every tenth table uses a shared enum type.

    bench/check/generate_schema.py OUT_DIR [--tables 500]
"""
import argparse
import pathlib


def schema_sql(tables):
    lines = ["CREATE TYPE status AS ENUM ('new', 'active', 'retired');", ""]
    for i in range(1, tables + 1):
        fk = f",\n    parent_id BIGINT REFERENCES t{(i * 7) % (i - 1) + 1:04d} (id) ON DELETE SET NULL" if i > 1 else ""
        status = ",\n    status status NOT NULL DEFAULT 'new'" if i % 10 == 0 else ""
        lines.append(f"""CREATE TABLE t{i:04d} (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name VARCHAR(120) NOT NULL,
    code VARCHAR(32) NOT NULL,
    amount NUMERIC(12,2) NOT NULL DEFAULT 0,
    quantity INTEGER NOT NULL DEFAULT 0,
    note TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(){fk}{status},
    CONSTRAINT t{i:04d}_quantity_check CHECK (quantity >= 0),
    CONSTRAINT t{i:04d}_code_key UNIQUE (code)
);
CREATE INDEX t{i:04d}_name_idx ON t{i:04d} (name);
CREATE INDEX t{i:04d}_recent_idx ON t{i:04d} (created_at DESC) WHERE quantity > 0;
""")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--tables", type=int, default=500)
    args = parser.parse_args()
    sql = schema_sql(args.tables)
    (args.out / "versions").mkdir(parents=True, exist_ok=True)
    (args.out / "schema.sql").write_text(sql)
    (args.out / "versions" / "0001_b0000000001_generated.sql").write_text(
        "-- revision: b0000000001\n-- down_revision:\n-- message: generated schema\n\n"
        "-- migrate:upgrade\n" + sql + "\n-- migrate:downgrade\nSELECT 1;\n")


if __name__ == "__main__":
    main()
