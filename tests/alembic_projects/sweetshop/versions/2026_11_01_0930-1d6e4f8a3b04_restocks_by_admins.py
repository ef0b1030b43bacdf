"""restocks by admins

Revision ID: 1d6e4f8a3b04
Revises: 9c5d3e7f2a03
Create Date: 2026-11-01 09:30:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '1d6e4f8a3b04'
down_revision = '9c5d3e7f2a03'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "restocks",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("sweet_id", sa.BigInteger, nullable=False),
        sa.Column("admin_id", sa.BigInteger, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("restocked_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.ForeignKeyConstraint(["sweet_id"], ["sweets.id"], name="restocks_sweet_id_fkey", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["admin_id"], ["users.id"], name="restocks_admin_id_fkey", ondelete="RESTRICT"),
        sa.CheckConstraint("quantity > 0", name="restocks_quantity_check"),
    )
    op.create_index("restocks_sweet_id_restocked_at_idx", "restocks", ["sweet_id", sa.text("restocked_at DESC")])
    op.create_index("restocks_admin_id_idx", "restocks", ["admin_id"])


def downgrade():
    op.drop_table("restocks")
