"""audit log needs trunk

Revision ID: 7fff0002
Revises: 6fff0001
Create Date: 2024-02-07 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '7fff0002'
down_revision = '6fff0001'
branch_labels = None
depends_on = '2bbb2222'


def upgrade():
    op.create_table("t_7fff0002", sa.Column("id", sa.Integer, primary_key=True), sa.Column("note", sa.Text))


def downgrade():
    op.drop_table("t_7fff0002")
