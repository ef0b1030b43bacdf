"""reviews

Revision ID: 4e7f5a9b2c05
Revises: 1d6e4f8a3b04
Create Date: 2026-11-01 09:40:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '4e7f5a9b2c05'
down_revision = '1d6e4f8a3b04'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reviews",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("sweet_id", sa.BigInteger, nullable=False),
        sa.Column("rating", sa.SmallInteger, nullable=False),
        sa.Column("body", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="reviews_user_id_fkey", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sweet_id"], ["sweets.id"], name="reviews_sweet_id_fkey", ondelete="CASCADE"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="reviews_rating_check"),
        sa.UniqueConstraint("user_id", "sweet_id", name="reviews_user_id_sweet_id_key"),
    )
    op.create_index("reviews_sweet_id_idx", "reviews", ["sweet_id"])


def downgrade():
    op.drop_table("reviews")
