"""merge the workflow branch (0003) and the search branch (0004)

Revision ID: 0005
Revises: 0003, 0004
Create Date: 2026-11-30 11:00:00.000000
"""

revision = '0005'
down_revision = ('0003', '0004')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
