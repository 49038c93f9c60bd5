"""Awb 4:15: how terms to complete suspend the decision term (the bookkeeping on the case)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from cases.handling import terms
from cases.models import Case


def case() -> Case:
    return Case(term_suspended_days=0)


def test_a_running_term_counts_from_the_dutch_day_of_the_request() -> None:
    subject, request_id = case(), uuid.uuid4()
    # 23:30 UTC on 20 November is already 21 November in the Netherlands.
    at = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    terms.start(subject, request_id=request_id, ends_on=date(2026, 12, 5), requested_at=at)
    assert (subject.term_requested_on, subject.term_request_id) == (date(2026, 11, 21), request_id)
    assert subject.term_suspended_days == 0


def test_completing_ends_the_suspension_that_day_never_after_the_term() -> None:
    early, late, request_id = case(), case(), uuid.uuid4()
    for subject in (early, late):
        terms.start(
            subject,
            request_id=request_id,
            ends_on=date(2026, 12, 5),
            requested_at=datetime(2026, 11, 21, 9, tzinfo=UTC),
        )
    assert not terms.complete(
        early, request_id=uuid.uuid4(), received_at=datetime(2026, 11, 25, tzinfo=UTC)
    )
    assert early.term_request_id == request_id
    assert terms.complete(
        early, request_id=request_id, received_at=datetime(2026, 11, 25, 9, tzinfo=UTC)
    )
    assert (early.term_suspended_days, early.term_ends_on, early.term_requested_on) == (
        4,
        None,
        None,
    )
    assert terms.complete(
        late, request_id=request_id, received_at=datetime(2027, 1, 10, tzinfo=UTC)
    )
    assert late.term_suspended_days == 14


def test_a_new_request_ends_the_running_term_and_the_days_add_up() -> None:
    subject = case()
    terms.start(
        subject,
        request_id=uuid.uuid4(),
        ends_on=date(2026, 12, 5),
        requested_at=datetime(2026, 11, 21, 9, tzinfo=UTC),
    )
    terms.start(
        subject,
        request_id=uuid.uuid4(),
        ends_on=date(2026, 12, 20),
        requested_at=datetime(2026, 11, 30, 9, tzinfo=UTC),
    )
    assert (subject.term_suspended_days, subject.term_requested_on) == (9, date(2026, 11, 30))


def test_suspended_days_are_never_negative() -> None:
    assert terms.suspended_days(date(2026, 11, 21), date(2026, 11, 10), date(2026, 11, 30)) == 0
    assert terms.suspended_days(date(2026, 11, 21), date(2026, 12, 5), date(2026, 11, 21)) == 0
