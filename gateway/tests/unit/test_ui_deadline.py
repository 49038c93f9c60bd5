"""The case page reads the decision term the cases service answers (Awb 4:13, extended by
the days a term to complete suspended it, Awb 4:15); it computes none of its own."""

from __future__ import annotations

from datetime import date

from gateway.cases.deadline import days_left, deadline_of

CASE = {"kind": "application", "submitted_at": "2026-11-29T23:30:00+00:00"}
"""Received on 30 November in the Netherlands (00:30 local time)."""


def test_the_term_and_the_local_day_of_receipt_come_from_the_service() -> None:
    term = deadline_of({**CASE, "decision_due_on": "2027-01-25", "decision_days_left": 12})

    assert term is not None
    assert term.received == date(2026, 11, 30)
    assert term.due == date(2027, 1, 25)
    assert term.extended_days == 0
    assert (term.remaining, term.soon, term.expired, term.ended) == (
        "nog 12 dagen",
        False,
        False,
        False,
    )


def test_days_on_hold_show_as_an_extension_and_a_passed_term_is_expired() -> None:
    held = deadline_of(
        {
            **CASE,
            "decision_due_on": "2027-01-28",
            "decision_days_left": 3,
            "decision_term_suspended": True,
        }
    )
    late = deadline_of({**CASE, "decision_due_on": "2027-01-25", "decision_days_left": -2})

    assert held is not None
    assert late is not None
    assert held.extended_days == 3
    assert held.suspended_now
    assert held.soon
    assert not held.expired
    assert late.expired
    assert late.remaining == "2 dagen verlopen"


def test_a_decided_case_or_a_re_examination_has_no_running_term() -> None:
    decided = deadline_of({**CASE, "decision_due_on": "2027-01-25", "decision_days_left": None})
    re_examination = deadline_of({"kind": "re_examination", "decision_due_on": None})

    assert decided is not None
    assert decided.ended
    assert not decided.expired
    assert re_examination is None


def test_the_days_left_read_as_words() -> None:
    assert [days_left(v) for v in (1, 0, -1, "x")] == [
        "nog 1 dag",
        "verloopt vandaag",
        "1 dag verlopen",
        "",
    ]
