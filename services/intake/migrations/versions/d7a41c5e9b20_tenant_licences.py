"""tenant_municipalities: intake's copy of each municipality's licence (re-examination imports)

Revision ID: d7a41c5e9b20
Revises: c3d9e1a2b7f4
Create Date: 2026-12-07 13:15:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "d7a41c5e9b20"
down_revision = "c3d9e1a2b7f4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenant_municipalities",
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("licence", sa.String(length=16), nullable=False),
        sa.Column("addons", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("code"),
    )
    # The customers intake knows already keep what they had: every feature (the default
    # licence) until the gateway announces another.
    op.execute(
        """
        INSERT INTO tenant_municipalities (code, name, licence, addons)
        SELECT code, name, 'premium', ARRAY['rechtmatigheid'] FROM known_municipalities
        """
    )


def downgrade() -> None:
    op.drop_table("tenant_municipalities")
