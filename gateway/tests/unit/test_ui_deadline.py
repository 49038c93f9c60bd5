"""The handling deadline: eight weeks after receipt (Awb 4:13), extended by whole days on
hold (Awb 4:15), counted in Dutch local days."""

from __future__ import annotations

from datetime import date

from gateway.cases.deadline import deadline_of

CASE = {"kind": "application", "submitted_at": "2026-11-29T23:30:00+00:00"}
"""Received on 30 November in the Netherlands (00:30 local time)."""


def test_the_term_is_eight_weeks_after_the_local_day_of_receipt() -> None:
    term = deadline_of(CASE, {"seconds_on_hold": 0}, on=date(2027, 1, 13))

    assert term is not None
    assert term.received == date(2026, 11, 30)
    assert term.due == date(2027, 1, 25)
    assert (term.days_left, term.remaining, term.soon, term.expired) == (
        12,
        "nog 12 dagen",
        False,
        False,
    )


def test_days_on_hold_suspend_the_term_and_a_passed_term_is_expired() -> None:
    held = deadline_of(CASE, {"seconds_on_hold": 3 * 86400 + 3600}, on=date(2027, 1, 25))
    late = deadline_of(CASE, {}, on=date(2027, 1, 27))

    assert held is not None
    assert held.due == date(2027, 1, 28)
    assert held.suspended_days == 3
    assert held.soon
    assert late is not None
    assert late.expired
    assert late.remaining == "2 dagen verlopen"


def test_a_decided_case_or_a_re_examination_has_no_running_term() -> None:
    decided = deadline_of(CASE, {"handling_ended_at": "2027-01-02T10:00:00Z"}, on=date(2027, 3, 1))

    assert decided is not None
    assert decided.ended
    assert not decided.expired
    assert deadline_of({**CASE, "kind": "re_examination"}, {}) is None
    assert deadline_of({"kind": "application"}, {}) is None
