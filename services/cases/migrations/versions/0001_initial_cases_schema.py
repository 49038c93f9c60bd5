"""initial cases schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29 18:34:23.478812
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # For the search over names and addresses that follows (trigram indexes, accent-insensitive).
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.create_table('cases',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('application_number', sa.String(length=64), nullable=False),
    sa.Column('application_id', sa.Uuid(), nullable=False),
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('adults', sa.SmallInteger(), nullable=False),
    sa.Column('persons', sa.SmallInteger(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('corrected', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("kind IN ('application', 're_examination')", name=op.f('cases_kind_check')),
    sa.CheckConstraint("status IN ('received', 'invited', 'awaiting_data', 'advice_ready', 'on_hold', 'under_investigation', 'decided_granted', 'decided_rejected', 'not_processed', 'aborted', 'closed')", name=op.f('cases_status_check')),
    sa.CheckConstraint('adults BETWEEN 1 AND 2 AND persons >= adults', name=op.f('cases_counts_check')),
    sa.PrimaryKeyConstraint('id', name=op.f('cases_pkey')),
    sa.UniqueConstraint('kind', 'application_number', name=op.f('cases_kind_application_number_key'))
    )
    op.create_index('cases_listing_idx', 'cases', ['submitted_at', 'id'], unique=False)
    op.create_index('cases_municipality_listing_idx', 'cases', ['municipality_code', 'submitted_at', 'id'], unique=False)
    op.create_index('cases_overview_idx', 'cases', ['municipality_code', 'status'], unique=False, postgresql_include=['adults', 'persons'])
    op.create_table('case_history',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('actor', sa.Text(), nullable=False),
    sa.Column('from_status', sa.String(length=32), nullable=True),
    sa.Column('to_status', sa.String(length=32), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('details', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('case_history_case_id_fkey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('case_history_pkey'))
    )
    op.create_index('case_history_case_idx', 'case_history', ['case_id', 'occurred_at'], unique=False)
    op.create_table('case_persons',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('bsn', sa.String(length=9), nullable=False),
    sa.Column('initials', sa.Text(), nullable=True),
    sa.Column('first_name', sa.Text(), nullable=True),
    sa.Column('prefix', sa.Text(), nullable=True),
    sa.Column('last_name', sa.Text(), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('street', sa.Text(), nullable=True),
    sa.Column('house_number', sa.Integer(), nullable=True),
    sa.Column('house_number_suffix', sa.Text(), nullable=True),
    sa.Column('postal_code', sa.Text(), nullable=True),
    sa.Column('city', sa.Text(), nullable=True),
    sa.CheckConstraint("role IN ('applicant', 'partner', 'child')", name=op.f('case_persons_role_check')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('case_persons_case_id_fkey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('case_persons_pkey')),
    sa.UniqueConstraint('case_id', 'position', name=op.f('case_persons_case_id_position_key'))
    )
    op.create_table('case_revisions',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('source_event_id', sa.Uuid(), nullable=False),
    sa.Column('household', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('case_revisions_case_id_fkey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'revision', name=op.f('case_revisions_pkey'))
    )
    op.create_table('inbox',
    sa.Column('consumer', sa.Text(), nullable=False),
    sa.Column('message_id', sa.Text(), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'message_id', name='inbox_pkey')
    )
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('routing_key', sa.Text(), nullable=False),
    sa.Column('envelope', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    op.create_index('outbox_unsent_idx', 'outbox', ['id'], unique=False, postgresql_where=sa.text('sent_at IS NULL'))


def downgrade() -> None:
    op.drop_index('outbox_unsent_idx', table_name='outbox', postgresql_where=sa.text('sent_at IS NULL'))
    op.drop_table('outbox')
    op.drop_table('inbox')
    op.drop_table('case_revisions')
    op.drop_table('case_persons')
    op.drop_index('case_history_case_idx', table_name='case_history')
    op.drop_table('case_history')
    op.drop_index('cases_overview_idx', table_name='cases', postgresql_include=['adults', 'persons'])
    op.drop_index('cases_municipality_listing_idx', table_name='cases')
    op.drop_index('cases_listing_idx', table_name='cases')
    op.drop_table('cases')
    op.execute("DROP EXTENSION IF EXISTS unaccent")
    op.execute("DROP EXTENSION IF EXISTS pg_trgm")
