"""The declarative base and the tables every feature shares: the case, its household, its
revisions and its history (SQLAlchemy 2 ORM; relationships never load lazily). A table that
only one feature's modules touch is in that feature's `models.py` (`handling`: memos;
`reporting`: the access log)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from cases.statuses import UNDECIDED, CaseKind, CaseStatus

NAMING_CONVENTION = {
    "ix": "%(table_name)s_%(column_0_N_name)s_idx",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s_check",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}


def _one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK expression over fixed, code-defined values (never user input)."""
    quoted = ", ".join("'" + str(value) + "'" for value in values)
    return f"{column} IN ({quoted})"


SEARCH_NAME = (
    "lower(public.f_unaccent(coalesce(initials, '') || ' ' || coalesce(first_name, '') || ' ' "
    "|| coalesce(prefix, '') || ' ' || coalesce(last_name, '')))"
)
"""The searchable name of a person; `f_unaccent` is the IMMUTABLE wrapper of migration 0004."""


LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
"""Due dates are Dutch calendar days."""
DECISION_TERM_DAYS = 56
"""Awb 4:13 lid 2: a decision within eight weeks after receipt when no rule sets a term."""

DECISION_DUE_ON = (
    "CASE WHEN kind = 'application' THEN "
    f"CAST(timezone('Europe/Amsterdam', submitted_at) AS date) + {DECISION_TERM_DAYS} "
    "+ term_suspended_days "
    "+ CASE WHEN term_requested_on IS NOT NULL AND term_ends_on >= term_requested_on "
    "THEN term_ends_on - term_requested_on ELSE 0 END END"
)
"""The decision's due date (Awb 4:13, 4:15), kept by PostgreSQL: the Dutch calendar day of
receipt plus eight weeks, plus the days of finished terms to complete, plus the running term
up to its last day (shortened when what was asked arrives earlier). A re-examination has no
statutory term."""

UNDECIDED_SQL = "status IN (" + ", ".join("'" + str(s) + "'" for s in UNDECIDED) + ")"
"""The undecided statuses as literal SQL: the partial indexes' predicate, which the work list's
and filters' queries repeat word for word so the planner can use those indexes."""
FOUR_EYES_WAITING_SQL = "status = 'advice_ready'"
"""A case whose decision is due (the advice is in); with `four_eyes` it waits for a second
person (the work list's item and its partial index)."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Case(Base):
    """An application (or, later, a re-examination) being handled; one per number and kind."""

    __tablename__ = "cases"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(20))
    application_number: Mapped[str] = mapped_column(String(64))
    application_id: Mapped[uuid.UUID]
    municipality_code: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(32))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    adults: Mapped[int] = mapped_column(SmallInteger)
    persons: Mapped[int] = mapped_column(SmallInteger)
    revision: Mapped[int]
    corrected: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Handling: who works on it, the campaign of a re-examination, advice and decision.
    assigned_to: Mapped[str | None] = mapped_column(Text)
    campaign: Mapped[str | None] = mapped_column(Text)
    advice: Mapped[str | None] = mapped_column(String(20))
    advice_given_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the assessment gave the advice in `advice`: an older one arriving later is ignored."""
    four_eyes: Mapped[bool] = mapped_column(default=False, server_default="false")
    """The latest advice said the municipality requires four eyes: the decision waits for a
    second person (not whoever prepared the case)."""
    decision: Mapped[str | None] = mapped_column(String(20))
    # The term to complete (hersteltermijn) of the latest information request, until what was
    # asked arrives; after an expired term it stays, so the passed date remains visible.
    term_ends_on: Mapped[date | None] = mapped_column(Date)
    term_request_id: Mapped[uuid.UUID | None]
    term_requested_on: Mapped[date | None] = mapped_column(Date)
    """The Dutch calendar day the running term's request was made (Awb 4:15 suspends the
    decision term from the next day)."""
    term_suspended_days: Mapped[int] = mapped_column(default=0, server_default="0")
    """Days the decision term was suspended by earlier, finished terms to complete."""
    decision_due_on: Mapped[date | None] = mapped_column(
        Date, Computed(DECISION_DUE_ON, persisted=True)
    )
    """The decision's due date (read only, see DECISION_DUE_ON); None for a re-examination."""
    # What the work list needs to know from the other services' events.
    data_arrived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Data or a document arrived and nobody moved the case since (cleared by the next status
    change a person makes, an advice or a decision)."""
    failed_letter_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(Uuid), default=list, server_default="{}"
    )
    """Letters that could not be sent and were not sent since (a retry that succeeds clears)."""
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the latest reminder went out."""
    status_changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # On hold (in afwachting): why, until when, since when, and the status to return to. The
    # time spent on hold is summed, so the handling time can leave it out.
    hold_reason: Mapped[str | None] = mapped_column(Text)
    hold_until: Mapped[date | None] = mapped_column(Date)
    held_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    held_from_status: Mapped[str | None] = mapped_column(String(32))
    seconds_on_hold: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    handling_ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the handling clock stopped (decided, not processed, aborted); None while it runs."""

    @property
    def decision_days_left(self) -> int | None:
        """Days from today (Dutch calendar) to `decision_due_on`, negative once passed; None
        without a statutory term or once decided (the term no longer runs)."""
        if self.decision_due_on is None or self.status not in UNDECIDED:
            return None
        return (self.decision_due_on - datetime.now(LOCAL_TIME).date()).days

    @property
    def decision_term_suspended(self) -> bool:
        """A term to complete runs now, so the decision term is suspended (Awb 4:15)."""
        if self.decision_due_on is None or self.status not in UNDECIDED:
            return False
        if self.term_requested_on is None or self.term_ends_on is None:
            return False
        return self.term_ends_on >= datetime.now(LOCAL_TIME).date()

    household: Mapped[list[CasePerson]] = relationship(
        lazy="raise", order_by="CasePerson.position", passive_deletes=True
    )
    revisions: Mapped[list[CaseRevision]] = relationship(
        lazy="raise", order_by="CaseRevision.revision", passive_deletes=True
    )
    history: Mapped[list[CaseHistory]] = relationship(
        lazy="raise", order_by="[CaseHistory.occurred_at, CaseHistory.id]", passive_deletes=True
    )

    __mapper_args__ = {"eager_defaults": True}
    """`decision_due_on` comes back with every INSERT and UPDATE (RETURNING), so an answer built
    after a change never loads it lazily."""

    __table_args__ = (
        UniqueConstraint("kind", "application_number"),
        CheckConstraint(_one_of("kind", tuple(CaseKind)), name="kind"),
        CheckConstraint(_one_of("status", tuple(CaseStatus)), name="status"),
        CheckConstraint("adults BETWEEN 1 AND 2 AND persons >= adults", name="counts"),
        # The overview: one GROUP BY status per municipality, answered from the index alone,
        # also when filtered by kind, campaign or submission dates; and status-filtered lists.
        Index(
            "cases_overview_idx",
            "municipality_code",
            "status",
            "submitted_at",
            "id",
            postgresql_include=["adults", "persons", "kind", "campaign"],
        ),
        # The list, newest first: per municipality, and across all (platform users).
        Index("cases_municipality_listing_idx", "municipality_code", "submitted_at", "id"),
        Index("cases_listing_idx", "submitted_at", "id"),
        # The periodic lifting of holds whose end date passed (workflow, migration 0003).
        Index(
            "cases_due_holds_idx",
            "hold_until",
            postgresql_where=text("status = 'on_hold' AND hold_until IS NOT NULL"),
        ),
        # The list sorted by last status change, the exact number, a person's queue, a campaign.
        Index("cases_municipality_changed_idx", "municipality_code", "status_changed_at", "id"),
        Index("cases_application_number_idx", "application_number", "id"),
        Index(
            "cases_assigned_idx",
            "assigned_to",
            "submitted_at",
            "id",
            postgresql_where=text("assigned_to IS NOT NULL"),
        ),
        Index(
            "cases_campaign_idx",
            "campaign",
            "submitted_at",
            "id",
            postgresql_where=text("campaign IS NOT NULL"),
        ),
        # The deadline filter and the work list: each a partial index holding only the cases it
        # counts, the assignee included, so a count reads those entries alone (migration 0007).
        Index(
            "cases_decision_due_idx",
            "municipality_code",
            "decision_due_on",
            "assigned_to",
            postgresql_include=["submitted_at"],
            postgresql_where=text(f"decision_due_on IS NOT NULL AND {UNDECIDED_SQL}"),
        ),
        Index(
            "cases_term_ends_idx",
            "municipality_code",
            "term_ends_on",
            "assigned_to",
            postgresql_where=text(f"term_ends_on IS NOT NULL AND {UNDECIDED_SQL}"),
        ),
        Index(
            "cases_data_arrived_idx",
            "municipality_code",
            "assigned_to",
            postgresql_where=text(f"data_arrived_at IS NOT NULL AND {UNDECIDED_SQL}"),
        ),
        Index(
            "cases_letter_failed_idx",
            "municipality_code",
            "assigned_to",
            postgresql_where=text("failed_letter_ids <> '{}'"),
        ),
        Index(
            "cases_reminder_sent_idx",
            "municipality_code",
            "reminder_sent_at",
            "assigned_to",
            postgresql_where=text("reminder_sent_at IS NOT NULL"),
        ),
        Index(
            "cases_four_eyes_idx",
            "municipality_code",
            "assigned_to",
            postgresql_where=text(f"four_eyes AND {FOUR_EYES_WAITING_SQL}"),
        ),
    )


class CasePerson(Base):
    """A member of the case's current household; replaced when the household is corrected."""

    __tablename__ = "case_persons"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    role: Mapped[str] = mapped_column(String(16))
    bsn: Mapped[str] = mapped_column(String(9))
    initials: Mapped[str | None] = mapped_column(Text)
    first_name: Mapped[str | None] = mapped_column(Text)
    prefix: Mapped[str | None] = mapped_column(Text)
    last_name: Mapped[str | None] = mapped_column(Text)
    date_of_birth: Mapped[date] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    street: Mapped[str | None] = mapped_column(Text)
    house_number: Mapped[int | None]
    house_number_suffix: Mapped[str | None] = mapped_column(Text)
    postal_code: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    search_name: Mapped[str | None] = mapped_column(Text, Computed(SEARCH_NAME, persisted=True))
    """Lower-cased, accent-free "initials first prefix last", kept by PostgreSQL (read only)."""
    municipality_code: Mapped[str] = mapped_column(String(4))
    """The case's municipality, set by a trigger on insert (never written by the code), so a
    name search reads only the caller's municipalities from the index."""

    __table_args__ = (
        UniqueConstraint("case_id", "position"),
        CheckConstraint(_one_of("role", ("applicant", "partner", "child")), name="role"),
        # Search: partial names (trigrams), exact BSN, postal code with or without its space.
        Index(
            "case_persons_search_name_idx",
            "municipality_code",
            "search_name",
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        ),
        Index("case_persons_bsn_idx", "bsn"),
        Index(
            "case_persons_postal_code_idx", func.upper(func.replace(text("postal_code"), " ", ""))
        ),
    )


class CaseRevision(Base):
    """Every revision of the application's household, as received; the history shows them."""

    __tablename__ = "case_revisions"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    revision: Mapped[int] = mapped_column(primary_key=True)
    source_event_id: Mapped[uuid.UUID]
    household: Mapped[dict[str, Any]] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    """When the resident submitted (revision 1) or corrected (later revisions) the application."""
    declared: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    """What the website form declared (income, insurer, package, consent); None for a
    re-examination."""


class CaseHistory(Base):
    """What happened to a case, by whom, and why; the workflow adds its transitions here."""

    __tablename__ = "case_history"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(Text)
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)

    __table_args__ = (Index("case_history_case_idx", "case_id", "occurred_at"),)
