"""The terms to complete (hersteltermijn, Awb 4:5) and how they suspend the decision term.

Awb 4:15: the decision term is suspended from the day after the request to complete the
application until the day it is completed or the term passes unused. The case keeps the running
term (`term_ends_on`, `term_request_id`, `term_requested_on`) and the days of finished ones
(`term_suspended_days`); PostgreSQL derives `decision_due_on` from them (`models.DECISION_DUE_ON`),
counting a running term up to its last day until what was asked arrives.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from cases.models import LOCAL_TIME, Case


def local_day(moment: datetime) -> date:
    """The Dutch calendar day of a moment."""
    return moment.astimezone(LOCAL_TIME).date()


def start(case: Case, *, request_id: uuid.UUID, ends_on: date, requested_at: datetime) -> None:
    """A new request with a term: a term still running ends (as suspension) the day this one
    is made, and this one runs from today."""
    day = local_day(requested_at)
    _finish(case, on=day)
    case.term_ends_on, case.term_request_id, case.term_requested_on = ends_on, request_id, day


def complete(case: Case, *, request_id: uuid.UUID, received_at: datetime) -> bool:
    """What the running request asked for arrived: its suspension ends that day (at the latest
    on the term's last day). False when the case runs another request's term (or none)."""
    if case.term_request_id != request_id:
        return False
    _finish(case, on=local_day(received_at))
    case.term_ends_on = case.term_request_id = case.term_requested_on = None
    return True


def suspended_days(requested_on: date, ends_on: date, on: date) -> int:
    """The days a term suspends the decision term when it ends on `on`: from the day after the
    request up to and including the day it was completed, never past the term's last day."""
    return max(0, (min(on, ends_on) - requested_on).days)


def _finish(case: Case, *, on: date) -> None:
    if case.term_requested_on is None or case.term_ends_on is None:
        return
    case.term_suspended_days = (case.term_suspended_days or 0) + suspended_days(
        case.term_requested_on, case.term_ends_on, on
    )
