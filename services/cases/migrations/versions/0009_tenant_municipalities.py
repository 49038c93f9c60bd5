"""tenant municipalities: cases' own copy of the municipalities' names and licences

Exports name the municipality (Teylingen, not 1525); cases keeps the gateway's announcements in
servicekit's table, as the other services do.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 13:45:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenant_municipalities",
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("licence", sa.String(length=16), nullable=False),
        sa.Column("addons", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("code"),
    )


def downgrade() -> None:
    op.drop_table("tenant_municipalities")
