"""right side

Revision ID: 4ddd4444
Revises: 2bbb2222
Create Date: 2024-02-04 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '4ddd4444'
down_revision = ['2bbb2222']
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("t_4ddd4444", sa.Column("id", sa.Integer, primary_key=True), sa.Column("note", sa.Text))


def downgrade():
    op.drop_table("t_4ddd4444")
