"""search indexes, overview covering index, access log

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-30 10:00:00.000000

A branch beside 0003 (workflow); a merge revision joins them.

- `f_unaccent(text)`: an IMMUTABLE wrapper of unaccent with its dictionary named, so it may be
  used in a generated column and an index (plain `unaccent(text)` is only STABLE).
- `case_persons.search_name`: lower-cased, accent-free "initials first prefix last", generated
  by PostgreSQL; `case_persons.municipality_code`, the case's, kept by triggers; one GIN index
  on both (btree_gin + trigrams) for partial, accent- and case-insensitive search that reads
  only the caller's municipalities.
- exact look-ups: BSN, postal code (upper case, no spaces), application number.
- `cases_overview_idx` now also holds submitted_at (key) and kind/campaign (included), so the
  filtered overview stays one index-only aggregate and status-filtered list pages use it too.
- `access_log`: the Logboek Dataverwerkingen of the cases service (no foreign key: entries
  outlive the cases they concern, which are removed after the retention period).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None

SEARCH_NAME = (
    "lower(public.f_unaccent(coalesce(initials, '') || ' ' || coalesce(first_name, '') || ' ' "
    "|| coalesce(prefix, '') || ' ' || coalesce(last_name, '')))"
)


def upgrade() -> None:
    op.execute(
        "CREATE OR REPLACE FUNCTION public.f_unaccent(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
        "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$"
    )
    op.add_column(
        'case_persons',
        sa.Column('search_name', sa.Text(), sa.Computed(SEARCH_NAME, persisted=True), nullable=True),
    )
    # The case's municipality on each person, kept by triggers whoever writes the persons, so
    # a name search reads only the caller's municipalities from the trigram index.
    op.add_column('case_persons', sa.Column('municipality_code', sa.String(length=4), nullable=True))
    op.execute(
        "UPDATE case_persons AS p SET municipality_code = c.municipality_code "
        "FROM cases AS c WHERE c.id = p.case_id"
    )
    op.alter_column('case_persons', 'municipality_code', nullable=False)
    op.execute(
        "CREATE FUNCTION case_persons_set_municipality() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "SELECT municipality_code INTO NEW.municipality_code FROM cases WHERE id = NEW.case_id; "
        "RETURN NEW; "
        "END $$"
    )
    op.execute(
        "CREATE TRIGGER case_persons_municipality BEFORE INSERT OR UPDATE OF case_id "
        "ON case_persons FOR EACH ROW EXECUTE FUNCTION case_persons_set_municipality()"
    )
    op.execute(
        "CREATE FUNCTION cases_propagate_municipality() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "UPDATE case_persons SET municipality_code = NEW.municipality_code "
        "WHERE case_id = NEW.id; "
        "RETURN NULL; "
        "END $$"
    )
    op.execute(
        "CREATE TRIGGER cases_municipality AFTER UPDATE OF municipality_code ON cases "
        "FOR EACH ROW WHEN (OLD.municipality_code IS DISTINCT FROM NEW.municipality_code) "
        "EXECUTE FUNCTION cases_propagate_municipality()"
    )
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.execute(
        "CREATE INDEX case_persons_search_name_idx ON case_persons "
        "USING gin (municipality_code, search_name gin_trgm_ops)"
    )
    op.create_index('case_persons_bsn_idx', 'case_persons', ['bsn'], unique=False)
    op.execute(
        "CREATE INDEX case_persons_postal_code_idx ON case_persons "
        "(upper(replace(postal_code, ' ', '')))"
    )

    op.drop_index('cases_overview_idx', table_name='cases')
    op.create_index(
        'cases_overview_idx',
        'cases',
        ['municipality_code', 'status', 'submitted_at', 'id'],
        unique=False,
        postgresql_include=['adults', 'persons', 'kind', 'campaign'],
    )
    op.create_index(
        'cases_municipality_changed_idx',
        'cases',
        ['municipality_code', 'status_changed_at', 'id'],
        unique=False,
    )
    op.create_index(
        'cases_application_number_idx', 'cases', ['application_number', 'id'], unique=False
    )
    op.create_index(
        'cases_assigned_idx',
        'cases',
        ['assigned_to', 'submitted_at', 'id'],
        unique=False,
        postgresql_where=sa.text('assigned_to IS NOT NULL'),
    )
    op.create_index(
        'cases_campaign_idx',
        'cases',
        ['campaign', 'submitted_at', 'id'],
        unique=False,
        postgresql_where=sa.text('campaign IS NOT NULL'),
    )

    op.create_table(
        'access_log',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('actor', sa.Text(), nullable=False),
        sa.Column('organisation', sa.Text(), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('municipality_code', sa.String(length=4), nullable=True),
        sa.Column('case_id', sa.Uuid(), nullable=True),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('trace_id', sa.Text(), nullable=False),
        sa.Column('data_subject_hash', sa.String(length=64), nullable=True),
        sa.Column('row_count', sa.Integer(), nullable=True),
        sa.Column('details', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('access_log_pkey')),
    )
    op.create_index(
        'access_log_municipality_idx', 'access_log', ['municipality_code', 'occurred_at', 'id']
    )
    op.create_index('access_log_case_idx', 'access_log', ['case_id', 'occurred_at'])
    op.create_index('access_log_actor_idx', 'access_log', ['actor', 'occurred_at'])
    op.create_index('access_log_subject_idx', 'access_log', ['data_subject_hash'])


def downgrade() -> None:
    op.drop_index('access_log_subject_idx', table_name='access_log')
    op.drop_index('access_log_actor_idx', table_name='access_log')
    op.drop_index('access_log_case_idx', table_name='access_log')
    op.drop_index('access_log_municipality_idx', table_name='access_log')
    op.drop_table('access_log')
    op.drop_index('cases_campaign_idx', table_name='cases')
    op.drop_index('cases_assigned_idx', table_name='cases')
    op.drop_index('cases_application_number_idx', table_name='cases')
    op.drop_index('cases_municipality_changed_idx', table_name='cases')
    op.drop_index('cases_overview_idx', table_name='cases')
    op.create_index(
        'cases_overview_idx',
        'cases',
        ['municipality_code', 'status'],
        unique=False,
        postgresql_include=['adults', 'persons'],
    )
    op.drop_index('case_persons_postal_code_idx', table_name='case_persons')
    op.drop_index('case_persons_bsn_idx', table_name='case_persons')
    op.drop_index('case_persons_search_name_idx', table_name='case_persons')
    op.execute("DROP TRIGGER cases_municipality ON cases")
    op.execute("DROP FUNCTION cases_propagate_municipality()")
    op.execute("DROP TRIGGER case_persons_municipality ON case_persons")
    op.execute("DROP FUNCTION case_persons_set_municipality()")
    op.drop_column('case_persons', 'municipality_code')
    op.drop_column('case_persons', 'search_name')
    op.execute("DROP FUNCTION IF EXISTS public.f_unaccent(text)")
