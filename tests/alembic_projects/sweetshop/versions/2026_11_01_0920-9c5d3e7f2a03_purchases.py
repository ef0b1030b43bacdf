"""purchases

Revision ID: 9c5d3e7f2a03
Revises: 7b4e2d8a1c02
Create Date: 2026-11-01 09:20:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '9c5d3e7f2a03'
down_revision = '7b4e2d8a1c02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "purchases",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("sweet_id", sa.BigInteger, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price_cents", sa.Integer, nullable=False),
        sa.Column("total_cents", sa.Integer, sa.Computed("quantity * unit_price_cents", persisted=True)),
        sa.Column("purchased_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        # RESTRICT: purchases are accounting records, so a buyer cannot be deleted outright.
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="purchases_user_id_fkey", ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["sweet_id"], ["sweets.id"], name="purchases_sweet_id_fkey", ondelete="RESTRICT"),
        sa.CheckConstraint("quantity > 0", name="purchases_quantity_check"),
        sa.CheckConstraint("unit_price_cents > 0", name="purchases_unit_price_cents_check"),
    )
    op.create_index("purchases_user_id_purchased_at_idx", "purchases", ["user_id", sa.text("purchased_at DESC")])
    op.create_index("purchases_sweet_id_idx", "purchases", ["sweet_id"])


def downgrade():
    op.drop_table("purchases")
