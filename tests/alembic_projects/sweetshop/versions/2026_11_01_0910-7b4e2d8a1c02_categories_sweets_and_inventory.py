"""categories, sweets and inventory

Revision ID: 7b4e2d8a1c02
Revises: 3f2a9c1d0e01
Create Date: 2026-11-01 09:10:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '7b4e2d8a1c02'
down_revision = '3f2a9c1d0e01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer, sa.Identity(always=True), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("name", name="categories_name_key"),
        sa.UniqueConstraint("slug", name="categories_slug_key"),
        sa.CheckConstraint("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", name="categories_slug_check"),
    )
    op.create_table(
        "sweets",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("category_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("price_cents", sa.Integer, nullable=False),
        sa.Column("is_available", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"], name="sweets_category_id_fkey",
                                ondelete="RESTRICT"),
        sa.CheckConstraint("price_cents > 0", name="sweets_price_cents_check"),
        sa.UniqueConstraint("category_id", "name", name="sweets_category_id_name_key"),
    )
    op.create_index("sweets_category_id_idx", "sweets", ["category_id"])
    op.create_index("sweets_available_name_idx", "sweets", ["name"], postgresql_where=sa.text("is_available"))
    # One row per sweet: stock is updated in place by purchases and restocks.
    op.create_table(
        "sweet_inventory",
        sa.Column("sweet_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("quantity", sa.Integer, nullable=False, server_default="0"),
        sa.Column("reorder_level", sa.Integer, nullable=False, server_default="10"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.ForeignKeyConstraint(["sweet_id"], ["sweets.id"], name="sweet_inventory_sweet_id_fkey",
                                ondelete="CASCADE"),
        sa.CheckConstraint("quantity >= 0", name="sweet_inventory_quantity_check"),
        sa.CheckConstraint("reorder_level >= 0", name="sweet_inventory_reorder_level_check"),
    )


def downgrade():
    op.drop_table("sweet_inventory")
    op.drop_table("sweets")
    op.drop_table("categories")
