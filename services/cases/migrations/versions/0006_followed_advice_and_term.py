"""advice moment and the term to complete, kept from the other services' events

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00.000000

- `advice_given_at`: when the assessment gave the advice on the case, so an older advice that
  arrives after a newer one does not replace it.
- `term_ends_on`, `term_request_id`: the last day of the term to complete (hersteltermijn) of
  the latest information request from correspondence, and which request it belongs to.

Nullable columns without defaults: adding them does not rewrite the table.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('cases', sa.Column('advice_given_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('cases', sa.Column('term_ends_on', sa.Date(), nullable=True))
    op.add_column('cases', sa.Column('term_request_id', sa.Uuid(), nullable=True))


def downgrade() -> None:
    op.drop_column('cases', 'term_request_id')
    op.drop_column('cases', 'term_ends_on')
    op.drop_column('cases', 'advice_given_at')
