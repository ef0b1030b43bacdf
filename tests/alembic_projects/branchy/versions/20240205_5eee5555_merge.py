"""merge left and right

Revision ID: 5eee5555
Revises: 3ccc3333, 4ddd4444
Create Date: 2024-02-05 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '5eee5555'
down_revision = ('3ccc3333', '4ddd4444')
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("t_5eee5555", sa.Column("id", sa.Integer, primary_key=True), sa.Column("note", sa.Text))


def downgrade():
    op.drop_table("t_5eee5555")
