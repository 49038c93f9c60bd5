"""campaign paused reason: why the system paused a campaign (a smaller licence)

Revision ID: c0a1e5b00003
Revises: c0a1e5b00002
Create Date: 2026-12-07 19:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c0a1e5b00003"
down_revision = "c0a1e5b00002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("campaigns", sa.Column("paused_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("campaigns", "paused_reason")
