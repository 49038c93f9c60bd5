"""The workflow table and its messages, the handling clock, and re-examination numbers."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from cases.handling import workflow
from cases.handling.holds import local_date
from cases.handling.service import handling_seconds
from cases.handling.workflow import (
    TRANSITIONS,
    TransitionConflictError,
    TransitionForbiddenError,
    allowed_targets,
    check,
)
from cases.models import Case
from cases.opening.re_examinations import case_number
from cases.statuses import INITIAL_STATUS, STATUS_LABEL, CaseKind, CaseStatus
from contracts.household import Adult, Household
from contracts.intake import ReExaminationRequested

S = CaseStatus
APPLICATION = CaseKind.APPLICATION


def refusal(current: S, target: S, role: str, *, held_from: S | None = None) -> str:
    with pytest.raises(workflow.TransitionRefusedError) as refused:
        check(kind=APPLICATION, current=current, target=target, held_from=held_from, role=role)  # type: ignore[arg-type]
    return f"{type(refused.value).__name__}: {refused.value.message}"


@pytest.mark.parametrize("kind", list(CaseKind))
def test_every_status_of_a_kind_is_reachable_from_its_first_step(kind: CaseKind) -> None:
    reached = {INITIAL_STATUS[kind]}
    frontier = [INITIAL_STATUS[kind]]
    while frontier:
        current = frontier.pop()
        for target in CaseStatus:
            held_from = INITIAL_STATUS[kind] if current is S.ON_HOLD else None
            found = workflow.find(kind=kind, current=current, target=target, held_from=held_from)
            if found and target not in reached:
                reached.add(target)
                frontier.append(target)
    other = S.INVITED if kind is APPLICATION else S.RECEIVED
    assert reached == set(CaseStatus) - {other}


def test_only_handling_roles_appear_and_only_a_beslisser_decides_or_restores() -> None:
    for transition in TRANSITIONS:
        assert transition.roles <= workflow.HANDLERS, transition.name
        if transition.name in {"decided", "not_processed", "restored"}:
            assert transition.roles == {"beslisser"}, transition.name
    names = [transition.name for transition in TRANSITIONS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("current", "target", "role", "message"),
    [
        (
            S.RECEIVED,
            S.DECIDED_GRANTED,
            "beslisser",
            "TransitionConflictError: Een besluit neemt u bij de beoordeling van de case; de "
            "status Toegekend of Afgewezen volgt daarna vanzelf.",
        ),
        (
            S.CLOSED,
            S.DECIDED_REJECTED,
            "beslisser",
            "TransitionConflictError: Een aanvraag met status Afgesloten kan niet meer worden "
            "afgewezen.",
        ),
        (
            S.ADVICE_READY,
            S.DECIDED_REJECTED,
            "behandelaar",
            "TransitionForbiddenError: Uw rol behandelaar mag een aanvraag niet afwijzen; dat mag "
            "alleen een beslisser.",
        ),
        (
            S.CLOSED,
            S.ABORTED,
            "beslisser",
            "TransitionConflictError: Een aanvraag met status Afgesloten kan niet meer worden "
            "afgebroken.",
        ),
        (
            S.AWAITING_DATA,
            S.AWAITING_DATA,
            "behandelaar",
            "TransitionConflictError: Een aanvraag heeft al de status Wacht op gegevens.",
        ),
        (
            S.ADVICE_READY,
            S.NOT_PROCESSED,
            "beslisser",
            "TransitionConflictError: Een aanvraag met status Advies gereed kan niet direct "
            "buiten behandeling worden gesteld.",
        ),
        (
            S.ABORTED,
            S.RECEIVED,
            "behandelaar",
            "TransitionForbiddenError: Uw rol behandelaar mag een aanvraag niet herstellen; dat "
            "mag alleen een beslisser.",
        ),
    ],
)
def test_refusals_say_why_in_words_a_user_understands(
    current: S, target: S, role: str, message: str
) -> None:
    assert refusal(current, target, role) == message


def test_a_hold_returns_only_where_it_came_from() -> None:
    allowed = check(
        kind=APPLICATION,
        current=S.ON_HOLD,
        target=S.ADVICE_READY,
        held_from=S.ADVICE_READY,
        role="behandelaar",
    )
    assert allowed.name == "hold_lifted"
    assert refusal(S.ON_HOLD, S.AWAITING_DATA, "behandelaar", held_from=S.ADVICE_READY) == (
        "TransitionConflictError: Een aanvraag met status In afwachting kan niet direct op Wacht "
        "op gegevens worden gezet. Haal de aanvraag eerst uit afwachting."
    )
    assert (
        check(
            kind=APPLICATION, current=S.ON_HOLD, target=S.ABORTED, held_from=S.RECEIVED, role=None
        ).name
        == "aborted"
    )


def test_the_system_passes_the_role_check_but_not_the_status_check() -> None:
    for current in (S.RECEIVED, S.AWAITING_DATA, S.ADVICE_READY, S.UNDER_INVESTIGATION, S.ON_HOLD):
        decided = check(
            kind=APPLICATION,
            current=current,
            target=S.DECIDED_GRANTED,
            held_from=S.AWAITING_DATA if current is S.ON_HOLD else None,
            role=None,
        )
        assert decided.name == "decided", current
    with pytest.raises(TransitionConflictError):
        check(
            kind=APPLICATION,
            current=S.ABORTED,
            target=S.DECIDED_REJECTED,
            held_from=None,
            role=None,
        )
    with pytest.raises(TransitionConflictError):
        check(kind=APPLICATION, current=S.RECEIVED, target=S.CLOSED, held_from=None, role=None)
    with pytest.raises(TransitionForbiddenError):
        check(
            kind=APPLICATION,
            current=S.RECEIVED,
            target=S.AWAITING_DATA,
            held_from=None,
            role="raadpleger",
        )


def test_allowed_targets_follow_the_role() -> None:
    # Never a decided status: the decision is made in the assessment and followed here.
    assert allowed_targets(
        kind=APPLICATION, current=S.ADVICE_READY, held_from=None, role="beslisser"
    ) == [S.ON_HOLD, S.UNDER_INVESTIGATION, S.ABORTED]
    assert (
        allowed_targets(kind=APPLICATION, current=S.ADVICE_READY, held_from=None, role="raadpleger")
        == []
    )
    assert allowed_targets(
        kind=CaseKind.RE_EXAMINATION, current=S.ABORTED, held_from=None, role="beslisser"
    ) == [S.INVITED, S.AWAITING_DATA, S.ADVICE_READY, S.UNDER_INVESTIGATION]


def test_every_status_has_a_dutch_label() -> None:
    assert set(STATUS_LABEL) == set(CaseStatus)


SUBMITTED = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def case(status: S, **fields: object) -> Case:
    return Case(
        **{"status": status.value, "submitted_at": SUBMITTED, "seconds_on_hold": 0, **fields}
    )


def test_the_handling_clock_leaves_out_holds_and_stops_at_the_decision() -> None:
    now = SUBMITTED + timedelta(days=10)
    assert handling_seconds(case(S.AWAITING_DATA), now=now) == 10 * 86400
    assert handling_seconds(case(S.AWAITING_DATA, seconds_on_hold=3600), now=now) == (
        10 * 86400 - 3600
    )
    on_hold = case(S.ON_HOLD, seconds_on_hold=3600, held_since=now - timedelta(days=1))
    assert handling_seconds(on_hold, now=now) == 9 * 86400 - 3600
    decided = case(S.CLOSED, seconds_on_hold=600, handling_ended_at=SUBMITTED + timedelta(days=4))
    assert handling_seconds(decided, now=now + timedelta(days=100)) == 4 * 86400 - 600


def test_a_hold_until_date_is_a_dutch_calendar_day() -> None:
    assert local_date(datetime(2026, 12, 5, 22, 59, tzinfo=UTC)) == date(2026, 12, 5)
    assert local_date(datetime(2026, 12, 5, 23, 0, tzinfo=UTC)) == date(2026, 12, 6)
    assert local_date(datetime(2026, 7, 5, 22, 0, tzinfo=UTC)) == date(2026, 7, 6)  # summer time


def test_re_examination_numbers_are_stable_readable_and_hide_the_key() -> None:
    def event(key: str, line: int) -> ReExaminationRequested:
        return ReExaminationRequested(
            import_id=uuid.uuid4(),
            line=line,
            campaign="Heronderzoek 2027",
            municipality_code="0363",
            re_examination_key=key,
            household=Household(
                applicant=Adult(
                    bsn="111222333", initials="A.", last_name="B", date_of_birth=date(1970, 1, 1)
                )
            ),
            children_count=0,
            requested_at=SUBMITTED,
        )

    key = "0363:Heronderzoek 2027:" + "ab" * 32
    number = case_number(event(key, 2))
    assert number == case_number(event(key, 77))
    assert number != case_number(event(key.replace("ab", "cd", 1), 2))
    assert number.startswith("HO-0363-")
    assert len(number) <= 64
    assert "ab" * 4 not in number.lower()
