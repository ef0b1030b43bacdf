"""backfill settings from rows

Revision ID: bb02
Revises: aa01
Create Date: 2024-03-02 08:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "bb02"
down_revision = "aa01"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("setting", sa.Column("upper_value", sa.Text))
    connection = op.get_bind()
    for name, value in connection.execute(sa.text("SELECT name, value FROM setting")).fetchall():
        connection.execute(sa.text("UPDATE setting SET upper_value = :v WHERE name = :n"),
                           {"v": (value or "").upper(), "n": name})


def downgrade():
    op.drop_column("setting", "upper_value")
