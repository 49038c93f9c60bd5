"""the licence and add-ons of each municipality (none stored: the default licence)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 13:00:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'municipality_licences',
        sa.Column('code', sa.Text(), nullable=False),
        sa.Column('licence', sa.Text(), nullable=False),
        sa.Column('addons', postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column('changed_by', sa.Text(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint("licence IN ('basis', 'extra', 'premium')", name='municipality_licence_known'),
        sa.CheckConstraint("addons <@ ARRAY['rechtmatigheid']::text[]", name='municipality_addons_known'),
        sa.ForeignKeyConstraint(['code'], ['municipalities.code'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('code'),
    )


def downgrade() -> None:
    op.drop_table('municipality_licences')
