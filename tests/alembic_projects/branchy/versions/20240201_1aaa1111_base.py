"""base of the trunk

Revision ID: 1aaa1111
Revises: 
Create Date: 2024-02-01 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '1aaa1111'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("t_1aaa1111", sa.Column("id", sa.Integer, primary_key=True), sa.Column("note", sa.Text))


def downgrade():
    op.drop_table("t_1aaa1111")
