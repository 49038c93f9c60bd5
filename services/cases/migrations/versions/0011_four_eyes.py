"""four eyes: the decisions that wait for a second person, for the work list

The advice event now says whether the municipality's parameters require four eyes; the case
keeps it, and a partial index counts the advice-ready cases that wait for a second person.
Existing cases start without (their next advice sets it).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 18:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "cases", sa.Column("four_eyes", sa.Boolean(), server_default="false", nullable=False)
    )
    op.create_index(
        "cases_four_eyes_idx",
        "cases",
        ["municipality_code", "assigned_to"],
        postgresql_where=sa.text("four_eyes AND status = 'advice_ready'"),
    )


def downgrade() -> None:
    op.drop_index("cases_four_eyes_idx", table_name="cases")
    op.drop_column("cases", "four_eyes")
