"""branch point

Revision ID: 2bbb2222
Revises: 1aaa1111
Create Date: 2024-02-02 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '2bbb2222'
down_revision = '1aaa1111'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("t_2bbb2222", sa.Column("id", sa.Integer, primary_key=True), sa.Column("note", sa.Text))


def downgrade():
    op.drop_table("t_2bbb2222")
