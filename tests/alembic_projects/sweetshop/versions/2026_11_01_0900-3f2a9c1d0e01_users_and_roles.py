"""users and roles

Revision ID: 3f2a9c1d0e01
Revises: 
Create Date: 2026-11-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '3f2a9c1d0e01'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    roles = op.create_table(
        "roles",
        sa.Column("id", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("name", name="roles_name_key"),
        sa.CheckConstraint("name IN ('admin', 'customer')", name="roles_name_check"),
    )
    op.bulk_insert(
        roles,
        [
            {"id": 1, "name": "admin",
             "description": "Manages the catalogue, restocks inventory and reads the audit log"},
            {"id": 2, "name": "customer", "description": "Browses, buys and reviews sweets"},
        ],
    )
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("role_id", sa.SmallInteger, nullable=False, server_default="2"),
        sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.ForeignKeyConstraint(["role_id"], ["roles.id"], name="users_role_id_fkey", ondelete="RESTRICT"),
        sa.CheckConstraint("position('@' IN email) > 1", name="users_email_check"),
    )
    # Emails are unique regardless of case: Ann@x.io and ann@x.io are the same person.
    op.create_index("users_email_lower_key", "users", [sa.text("lower(email)")], unique=True)
    op.create_index("users_role_id_idx", "users", ["role_id"])


def downgrade():
    op.drop_table("users")
    op.drop_table("roles")
