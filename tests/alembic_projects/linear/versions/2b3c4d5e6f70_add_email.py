"""add email to account

A longer description that Alembic's `show` prints
and `history` does not.

Revision ID: 2b3c4d5e6f70
Revises: 1a2b3c4d5e6f
Create Date: 2024-01-03 11:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic (the annotated form of newer templates).
revision: str = "2b3c4d5e6f70"
down_revision: Union[str, None] = "1a2b3c4d5e6f"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("account", sa.Column("email", sa.String(120)))
    op.create_index("ix_account_email", "account", ["email"], unique=True)
    op.execute("""
-- revision = 'not-this-one' (looks like an assignment, but is inside a string)
UPDATE account SET email = name || '@example.com' WHERE email IS NULL
""")


def downgrade() -> None:
    op.drop_index("ix_account_email", table_name="account")
    op.drop_column("account", "email")
