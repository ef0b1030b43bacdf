"""revoked tokens

Revision ID: 8f1a6b2c3d06
Revises: 4e7f5a9b2c05
Create Date: 2026-11-01 09:50:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '8f1a6b2c3d06'
down_revision = '4e7f5a9b2c05'
branch_labels = None
depends_on = None


def upgrade():
    # A token is identified by its `jti` claim; rows can be purged once `expires_at` has passed.
    op.create_table(
        "revoked_tokens",
        sa.Column("jti", postgresql.UUID, primary_key=True),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(64), nullable=False, server_default="logout"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="revoked_tokens_user_id_fkey", ondelete="CASCADE"),
        sa.CheckConstraint("expires_at > revoked_at", name="revoked_tokens_expiry_check"),
    )
    op.create_index("revoked_tokens_expires_at_idx", "revoked_tokens", ["expires_at"])
    op.create_index("revoked_tokens_user_id_idx", "revoked_tokens", ["user_id"])


def downgrade():
    op.drop_table("revoked_tokens")
