"""audit more

Revision ID: 8fff0003
Revises: 7fff0002
Create Date: 2024-02-08 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '8fff0003'
down_revision = '7fff0002'
branch_labels = None
depends_on = ['4ddd4444']


def upgrade():
    op.create_table("t_8fff0003", sa.Column("id", sa.Integer, primary_key=True), sa.Column("note", sa.Text))


def downgrade():
    op.drop_table("t_8fff0003")
