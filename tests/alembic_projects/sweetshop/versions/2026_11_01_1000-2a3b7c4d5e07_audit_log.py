"""audit log

Revision ID: 2a3b7c4d5e07
Revises: 8f1a6b2c3d06
Create Date: 2026-11-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '2a3b7c4d5e07'
down_revision = '8f1a6b2c3d06'
branch_labels = None
depends_on = None

AUDIT_ACTION = postgresql.ENUM(
    "create", "update", "delete", "login", "logout", "restock", "purchase", name="audit_action"
)


def upgrade():
    # The actor is kept as NULL when a user is deleted so that the trail itself survives.
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("actor_id", sa.BigInteger),
        sa.Column("action", AUDIT_ACTION, nullable=False),
        sa.Column("entity_type", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.Text),
        sa.Column("details", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name="audit_log_actor_id_fkey", ondelete="SET NULL"),
    )
    op.create_index("audit_log_occurred_at_idx", "audit_log", [sa.text("occurred_at DESC")])
    op.create_index("audit_log_entity_idx", "audit_log", ["entity_type", "entity_id"])
    op.create_index("audit_log_actor_id_idx", "audit_log", ["actor_id"])


def downgrade():
    op.drop_table("audit_log")
    op.execute("DROP TYPE audit_action")
