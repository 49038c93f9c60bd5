"""staff users, sessions, login failures and the security audit log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 19:30:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_ROLES = "'raadpleger', 'behandelaar', 'beslisser', 'functioneel_beheerder', 'auditor', 'operator'"


def upgrade() -> None:
    op.create_table('users',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('username', sa.Text(), nullable=False),
    sa.Column('municipality_code', sa.Text(), nullable=True),
    sa.Column('isd_id', sa.Text(), nullable=True),
    sa.Column('role', sa.Text(), nullable=False),
    sa.Column('display_name', sa.Text(), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('password_changed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('totp_secret_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('totp_enrolled', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('totp_last_step', sa.BigInteger(), nullable=True),
    sa.Column('recovery_code_hashes', postgresql.ARRAY(sa.Text()), server_default='{}', nullable=False),
    sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('disabled', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("(role = 'operator') = (municipality_code IS NULL AND isd_id IS NULL)", name='user_operator_is_platform'),
    sa.CheckConstraint(f"role IN ({_ROLES})", name='user_role_known'),
    sa.CheckConstraint('municipality_code IS NULL OR isd_id IS NULL', name='user_one_organisation'),
    sa.CheckConstraint('username = lower(username)', name='user_username_lowercase'),
    sa.ForeignKeyConstraint(['isd_id'], ['isds.id'], ),
    sa.ForeignKeyConstraint(['municipality_code'], ['municipalities.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_index(op.f('ix_users_isd_id'), 'users', ['isd_id'], unique=False)
    op.create_index(op.f('ix_users_municipality_code'), 'users', ['municipality_code'], unique=False)
    op.create_table('sessions',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('csrf_token', sa.Text(), nullable=False),
    sa.Column('mfa_passed', sa.Boolean(), nullable=False),
    sa.Column('origin_ip', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('sessions_user_idx', 'sessions', ['user_id'], unique=False)
    op.create_table('login_failures',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('origin_ip', sa.Text(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('login_failures_ip_idx', 'login_failures', ['origin_ip', 'occurred_at'], unique=False)
    op.create_table('security_audit',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('object', sa.Text(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('origin_ip', sa.Text(), nullable=True),
    sa.Column('actor', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('security_audit_time_idx', 'security_audit', ['occurred_at'], unique=False)
    # The security log is append-only: changing or removing a record fails.
    op.execute(
        """
        CREATE FUNCTION security_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'security_audit is append-only';
        END;
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER security_audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
        "ON security_audit FOR EACH STATEMENT EXECUTE FUNCTION security_audit_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER security_audit_append_only ON security_audit")
    op.execute("DROP FUNCTION security_audit_append_only()")
    op.drop_index('security_audit_time_idx', table_name='security_audit')
    op.drop_table('security_audit')
    op.drop_index('login_failures_ip_idx', table_name='login_failures')
    op.drop_table('login_failures')
    op.drop_index('sessions_user_idx', table_name='sessions')
    op.drop_table('sessions')
    op.drop_index(op.f('ix_users_municipality_code'), table_name='users')
    op.drop_index(op.f('ix_users_isd_id'), table_name='users')
    op.drop_table('users')
