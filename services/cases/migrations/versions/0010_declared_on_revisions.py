"""declared on revisions: what the website form declared, for the case page

Income, insurer, package, requested start and consent arrive with every application revision;
cases kept only the household. Older revisions stay without (the page says so).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 15:30:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "case_revisions", sa.Column("declared", postgresql.JSONB(astext_type=sa.Text()))
    )


def downgrade() -> None:
    op.drop_column("case_revisions", "declared")
