"""audit base

Revision ID: 6fff0001
Revises: 
Create Date: 2024-02-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '6fff0001'
down_revision = None
branch_labels = ('audit',)
depends_on = None


def upgrade():
    op.create_table("t_6fff0001", sa.Column("id", sa.Integer, primary_key=True), sa.Column("note", sa.Text))


def downgrade():
    op.drop_table("t_6fff0001")
