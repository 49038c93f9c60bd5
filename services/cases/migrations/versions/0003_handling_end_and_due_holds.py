"""handling end and due holds

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # When the handling clock stopped (decided, not processed, aborted); cleared on restore.
    op.add_column('cases', sa.Column('handling_ended_at', sa.DateTime(timezone=True), nullable=True))
    # The periodic lifting of holds whose end date passed reads only this small partial index.
    op.create_index(
        'cases_due_holds_idx',
        'cases',
        ['hold_until'],
        unique=False,
        postgresql_where=sa.text("status = 'on_hold' AND hold_until IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        'cases_due_holds_idx',
        table_name='cases',
        postgresql_where=sa.text("status = 'on_hold' AND hold_until IS NOT NULL"),
    )
    op.drop_column('cases', 'handling_ended_at')
