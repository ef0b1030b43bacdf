# -*- coding: utf-8 -*-
'''orders with a foreign key

Revision ID: 3c4d5e6f7081
Revises: 2b3c4d5e6f70
Create Date: 2024-01-04 09:15:00.000000
'''
from alembic import op
import sqlalchemy as sa

revision = "3c4d5e6f7081"
down_revision = (
    "2b3c4d5e6f70"
)
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "purchase_order",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("total", sa.Numeric(10, 2), nullable=False, server_default="0"),
        sa.Column("placed_at", sa.DateTime(timezone=True), server_default=sa.text("now()")),
        sa.CheckConstraint("total >= 0", name="ck_purchase_order_total"),
    )
    op.create_index("ix_purchase_order_account", "purchase_order", ["account_id"])


def downgrade():
    op.drop_index("ix_purchase_order_account", table_name="purchase_order")
    op.drop_table("purchase_order")
