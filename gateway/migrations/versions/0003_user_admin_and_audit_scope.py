"""forced password change, last login, and the organisation of each security audit record

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 21:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('must_change_password', sa.Boolean(), server_default='false', nullable=False))
    op.add_column('users', sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('security_audit', sa.Column('organisation', sa.Text(), nullable=True))
    op.create_index('security_audit_organisation_idx', 'security_audit', ['organisation', 'id'], unique=False)
    # Fill the new column once for records of known accounts; the append-only trigger is
    # lifted for this statement only, inside the migration's transaction.
    op.execute("ALTER TABLE security_audit DISABLE TRIGGER security_audit_append_only")
    op.execute(
        """
        UPDATE security_audit AS audit
           SET organisation = coalesce(users.municipality_code, users.isd_id, 'platform')
          FROM users
         WHERE audit.object = 'user:' || users.username
        """
    )
    op.execute("ALTER TABLE security_audit ENABLE TRIGGER security_audit_append_only")


def downgrade() -> None:
    op.drop_index('security_audit_organisation_idx', table_name='security_audit')
    op.drop_column('security_audit', 'organisation')
    op.drop_column('users', 'last_login_at')
    op.drop_column('users', 'must_change_password')
