"""What each work-list item and each deadline filter means, as one WHERE condition.

The list (`GET /cases?worklist=...`, `?deadline=...`) and the counts (`GET /worklist`) use
these same conditions, so a count links to exactly the cases it counts. Each condition repeats
the predicate of its partial index (migration 0007) word for word, so PostgreSQL can prove the
index applies and reads only the cases it counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Final

from sqlalchemy import Boolean, ColumnElement, and_, literal_column

from cases.models import (
    DECISION_TERM_DAYS,
    FOUR_EYES_WAITING_SQL,
    LOCAL_TIME,
    UNDECIDED_SQL,
    Case,
)
from cases.statuses import CaseStatus
from contracts.vocabulary import DeadlineFilter, WorkItem

TERM_ENDING_DAYS: Final = 3
"""A term to complete "ends soon" today or within the next three days."""
DECISION_DUE_SOON_DAYS: Final = 7
"""A decision term "ends soon" today or within the next seven days (as the case page says)."""


@dataclass(frozen=True)
class Today:
    """The Dutch calendar day the conditions are about, and its first moment in UTC."""

    day: date
    start: datetime

    @classmethod
    def of(cls, day: date) -> Today:
        return cls(day, datetime.combine(day, time(), tzinfo=LOCAL_TIME).astimezone(UTC))

    @classmethod
    def now(cls) -> Today:
        return cls.of(datetime.now(LOCAL_TIME).date())


def _sql(condition: str) -> ColumnElement[bool]:
    """A condition written as a partial index's predicate (fixed text, never user input)."""
    return literal_column(condition, Boolean)


def _undecided_with(column: str) -> ColumnElement[bool]:
    return _sql(f"{column} IS NOT NULL AND {UNDECIDED_SQL}")


def deadline_condition(deadline: DeadlineFilter, today: Today) -> ColumnElement[bool]:
    """Undecided cases whose decision term (Awb 4:13) ends within seven days, or passed.

    Also bounds the submission: a term ends at the earliest eight weeks after the day of
    receipt (suspension only adds days), so these cases were all submitted before a known
    day. That changes no result, but lets a list page (newest first) start its walk of the
    listing index there instead of passing every recent case; the deadline index holds
    `submitted_at` too, so the counts stay index-only.
    """
    due = _undecided_with("decision_due_on")
    if deadline is DeadlineFilter.WITHIN_7_DAYS:
        last = today.day + timedelta(days=DECISION_DUE_SOON_DAYS)
        dates = and_(Case.decision_due_on >= today.day, Case.decision_due_on <= last)
    else:
        last = today.day - timedelta(days=1)
        dates = Case.decision_due_on <= last
    received_before = Today.of(last - timedelta(days=DECISION_TERM_DAYS - 1)).start
    return and_(due, dates, Case.submitted_at < received_before)


def _advice_to_decide(today: Today) -> ColumnElement[bool]:
    return Case.status == CaseStatus.ADVICE_READY.value


def _data_delivered(today: Today) -> ColumnElement[bool]:
    return _undecided_with("data_arrived_at")


def _term_ending(today: Today) -> ColumnElement[bool]:
    last = today.day + timedelta(days=TERM_ENDING_DAYS)
    return and_(
        _undecided_with("term_ends_on"),
        Case.term_ends_on >= today.day,
        Case.term_ends_on <= last,
    )


def _term_passed(today: Today) -> ColumnElement[bool]:
    return and_(_undecided_with("term_ends_on"), Case.term_ends_on < today.day)


def _letter_failed(today: Today) -> ColumnElement[bool]:
    return _sql("failed_letter_ids <> '{}'")


def _reminder_sent_today(today: Today) -> ColumnElement[bool]:
    return and_(_sql("reminder_sent_at IS NOT NULL"), Case.reminder_sent_at >= today.start)


def _four_eyes(today: Today) -> ColumnElement[bool]:
    return _sql(f"four_eyes AND {FOUR_EYES_WAITING_SQL}")


def _decision_due_soon(today: Today) -> ColumnElement[bool]:
    return deadline_condition(DeadlineFilter.WITHIN_7_DAYS, today)


def _decision_overdue(today: Today) -> ColumnElement[bool]:
    return deadline_condition(DeadlineFilter.PASSED, today)


CONDITIONS: Final = MappingProxyType(
    {
        WorkItem.ADVICE_TO_DECIDE: _advice_to_decide,
        WorkItem.DATA_DELIVERED: _data_delivered,
        WorkItem.TERM_ENDING: _term_ending,
        WorkItem.TERM_PASSED: _term_passed,
        WorkItem.LETTER_FAILED: _letter_failed,
        WorkItem.REMINDER_SENT_TODAY: _reminder_sent_today,
        WorkItem.FOUR_EYES: _four_eyes,
        WorkItem.DECISION_DUE_SOON: _decision_due_soon,
        WorkItem.DECISION_OVERDUE: _decision_overdue,
    }
)
"""Every work item's condition (`contracts.vocabulary.WORK_ITEM_LABEL` has its words)."""


def item_condition(item: WorkItem, today: Today) -> ColumnElement[bool]:
    """The cases the item counts, on that day."""
    return CONDITIONS[item](today)
