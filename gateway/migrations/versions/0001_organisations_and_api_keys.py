"""organisations and api keys

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 18:32:30.295276
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('isds',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("id ~ '^[a-z][a-z0-9-]{1,62}$'", name='isd_id_format'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('municipalities',
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("code ~ '^[0-9]{4}$'", name='municipality_code_format'),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('api_keys',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('secret_sha256', sa.Text(), nullable=False),
    sa.Column('municipality_code', sa.Text(), nullable=True),
    sa.Column('isd_id', sa.Text(), nullable=True),
    sa.Column('role', sa.Text(), nullable=False),
    sa.Column('label', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(role = 'operator') = (municipality_code IS NULL AND isd_id IS NULL)", name='api_key_operator_is_platform'),
    sa.CheckConstraint("role IN ('raadpleger', 'behandelaar', 'beslisser', 'functioneel_beheerder', 'auditor', 'operator')", name='api_key_role_known'),
    sa.CheckConstraint('municipality_code IS NULL OR isd_id IS NULL', name='api_key_one_organisation'),
    sa.ForeignKeyConstraint(['isd_id'], ['isds.id'], ),
    sa.ForeignKeyConstraint(['municipality_code'], ['municipalities.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_api_keys_isd_id'), 'api_keys', ['isd_id'], unique=False)
    op.create_index(op.f('ix_api_keys_municipality_code'), 'api_keys', ['municipality_code'], unique=False)
    op.create_table('isd_members',
    sa.Column('isd_id', sa.Text(), nullable=False),
    sa.Column('municipality_code', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['isd_id'], ['isds.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_code'], ['municipalities.code'], ),
    sa.PrimaryKeyConstraint('isd_id', 'municipality_code')
    )
    op.create_index(op.f('ix_isd_members_municipality_code'), 'isd_members', ['municipality_code'], unique=False)
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
    op.drop_index(op.f('ix_isd_members_municipality_code'), table_name='isd_members')
    op.drop_table('isd_members')
    op.drop_index(op.f('ix_api_keys_municipality_code'), table_name='api_keys')
    op.drop_index(op.f('ix_api_keys_isd_id'), table_name='api_keys')
    op.drop_table('api_keys')
    op.drop_table('municipalities')
    op.drop_table('isds')
