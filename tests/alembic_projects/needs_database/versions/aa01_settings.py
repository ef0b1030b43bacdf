"""settings table

Revision ID: aa01
Revises: 
Create Date: 2024-03-01 08:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "aa01"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("setting", sa.Column("name", sa.Text, primary_key=True), sa.Column("value", sa.Text))


def downgrade():
    op.drop_table("setting")
