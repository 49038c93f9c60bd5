"""The workflow: the ONE table of which status may follow which, and which roles may do it.

Pure rules, no database. Who may do what comes from the ONE permission table
(`contracts.permissions`): the role sets below are read from it, not kept here. `check` answers
whether a role may move a case of a kind from its status to another, or says why not in words
the user understands (Dutch, for the UI): `TransitionConflictError` when the status does not
allow it (HTTP 409), and `TransitionForbiddenError` when the status does but the role does not
(HTTP 403).

Some steps follow from another service's event and are never made here by a person: the
decided statuses follow the decision recorded in the assessment (`following.py`), the one
source of a decision. Their rows name where a person makes that step instead (HTTP 409).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from cases.statuses import (
    CLOCK_STOPPED,
    KIND_LABEL,
    OPEN_STATUSES,
    STATUS_LABEL,
    STATUSES_OF_KIND,
    CaseKind,
    CaseStatus,
)
from contracts.permissions import Permission, roles_with
from contracts.vocabulary import ROLE_LABEL, Role

S = CaseStatus
HANDLERS: Final[frozenset[Role]] = roles_with(Permission.CASES_HANDLE)
"""Who handles cases; a beslisser handles too, and besides may decide and restore."""
DECIDERS: Final[frozenset[Role]] = roles_with(Permission.CASES_DECIDE)
READERS: Final[frozenset[Role]] = roles_with(Permission.CASES_READ)
"""Who may read a case file, its handling, history and memos (the operator sees no cases)."""
MEMO_WRITERS: Final[frozenset[Role]] = roles_with(Permission.MEMOS_WRITE)


@dataclass(frozen=True)
class Transition:
    """A row of the table: from any of `sources` to any of `targets`, by any of `roles`."""

    name: str
    """The action recorded in the case history."""
    sources: frozenset[CaseStatus]
    targets: frozenset[CaseStatus] | None
    """None: back to the status the case was put on hold from."""
    roles: frozenset[Role]
    verb: str | None = None
    """What the user does, when the target's own phrase does not say it (e.g. restore)."""
    elsewhere: str | None = None
    """Set when only the system makes this step, following another service's event: why a
    person is refused here and where they do it instead. `roles` still says who may do it
    there, so a role without that right hears so (403) before being sent elsewhere (409)."""


def _t(
    name: str,
    sources: set[CaseStatus] | frozenset[CaseStatus],
    targets: set[CaseStatus] | None,
    roles: frozenset[Role],
    verb: str | None = None,
    elsewhere: str | None = None,
) -> Transition:
    return Transition(
        name,
        frozenset(sources),
        None if targets is None else frozenset(targets),
        roles,
        verb,
        elsewhere,
    )


DECIDE_IN_ASSESSMENT: Final = (
    "Een besluit neemt u bij de beoordeling van de case; de status Toegekend of Afgewezen "
    "volgt daarna vanzelf."
)


TRANSITIONS: Final[tuple[Transition, ...]] = (
    _t(
        "awaiting_data", {S.RECEIVED, S.INVITED, S.UNDER_INVESTIGATION}, {S.AWAITING_DATA}, HANDLERS
    ),
    _t(
        "advice_ready",
        {S.RECEIVED, S.INVITED, S.AWAITING_DATA, S.UNDER_INVESTIGATION},
        {S.ADVICE_READY},
        HANDLERS,
    ),
    _t(
        "investigation_started",
        {S.RECEIVED, S.INVITED, S.AWAITING_DATA, S.ADVICE_READY},
        {S.UNDER_INVESTIGATION},
        HANDLERS,
    ),
    # The decision recorded in the assessment is the one source: it holds from any open status
    # (a decision without investigation comes right after opening), and ends a hold.
    _t(
        "decided",
        OPEN_STATUSES | {S.ON_HOLD},
        {S.DECIDED_GRANTED, S.DECIDED_REJECTED},
        DECIDERS,
        elsewhere=DECIDE_IN_ASSESSMENT,
    ),
    # Not processing an incomplete application is a formal decision (Awb 4:5).
    _t("not_processed", {S.UNDER_INVESTIGATION}, {S.NOT_PROCESSED}, DECIDERS),
    _t("closed", {S.DECIDED_GRANTED, S.DECIDED_REJECTED, S.NOT_PROCESSED}, {S.CLOSED}, HANDLERS),
    _t("aborted", OPEN_STATUSES | {S.ON_HOLD}, {S.ABORTED}, HANDLERS),
    _t(
        "restored",
        {S.ABORTED},
        {S.RECEIVED, S.INVITED, S.AWAITING_DATA, S.ADVICE_READY, S.UNDER_INVESTIGATION},
        DECIDERS,
        verb="herstellen",
    ),
    _t("put_on_hold", OPEN_STATUSES, {S.ON_HOLD}, HANDLERS),
    _t("hold_lifted", {S.ON_HOLD}, None, HANDLERS, verb="uit afwachting halen"),
)
"""Every allowed transition. Anything not in here is refused."""

_PHRASES: Final = MappingProxyType(
    {
        S.RECEIVED: ("terugzetten naar Ontvangen", "worden teruggezet naar Ontvangen"),
        S.INVITED: ("terugzetten naar Uitgenodigd", "worden teruggezet naar Uitgenodigd"),
        S.AWAITING_DATA: ("op Wacht op gegevens zetten", "op Wacht op gegevens worden gezet"),
        S.ADVICE_READY: ("op Advies gereed zetten", "op Advies gereed worden gezet"),
        S.ON_HOLD: ("in afwachting zetten", "in afwachting worden gezet"),
        S.UNDER_INVESTIGATION: ("in onderzoek nemen", "in onderzoek worden genomen"),
        S.DECIDED_GRANTED: ("toekennen", "worden toegekend"),
        S.DECIDED_REJECTED: ("afwijzen", "worden afgewezen"),
        S.NOT_PROCESSED: ("buiten behandeling stellen", "buiten behandeling worden gesteld"),
        S.ABORTED: ("afbreken", "worden afgebroken"),
        S.CLOSED: ("afsluiten", "worden afgesloten"),
    }
)
"""Per target status: what the user does (infinitive), and what happens to the case."""


class TransitionRefusedError(Exception):
    """The transition is not allowed; the message says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransitionConflictError(TransitionRefusedError):
    """The case's status does not allow this transition (for anyone)."""


class TransitionForbiddenError(TransitionRefusedError):
    """The status allows the transition, the caller's role does not."""


def _targets(transition: Transition, held_from: CaseStatus | None) -> frozenset[CaseStatus]:
    if transition.targets is not None:
        return transition.targets
    return frozenset() if held_from is None else frozenset({held_from})


def find(
    *, kind: CaseKind, current: CaseStatus, target: CaseStatus, held_from: CaseStatus | None
) -> Transition | None:
    """The row that allows `current` → `target` for this kind, whoever asks; None if none."""
    if target not in STATUSES_OF_KIND[kind]:
        return None
    for transition in TRANSITIONS:
        if current in transition.sources and target in _targets(transition, held_from):
            return transition
    return None


def check(
    *,
    kind: CaseKind,
    current: CaseStatus,
    target: CaseStatus,
    held_from: CaseStatus | None,
    role: Role | None,
) -> Transition:
    """The row that allows the transition for `role` (None: the system itself), else raise."""
    transition = find(kind=kind, current=current, target=target, held_from=held_from)
    if transition is None:
        raise TransitionConflictError(
            conflict_message(kind=kind, current=current, target=target, held_from=held_from)
        )
    if role is not None and role not in transition.roles:
        raise TransitionForbiddenError(
            forbidden_message(kind=kind, role=role, transition=transition, target=target)
        )
    if role is not None and transition.elsewhere is not None:
        raise TransitionConflictError(transition.elsewhere)
    return transition


def allowed_targets(
    *, kind: CaseKind, current: CaseStatus, held_from: CaseStatus | None, role: Role
) -> list[CaseStatus]:
    """The statuses this role may move the case to now, in the order of `CaseStatus` (never a
    step that only follows another service's event)."""
    allowed: set[CaseStatus] = set()
    for transition in TRANSITIONS:
        if transition.elsewhere is not None:
            continue
        if current in transition.sources and role in transition.roles:
            allowed |= _targets(transition, held_from) & STATUSES_OF_KIND[kind]
    return [status for status in CaseStatus if status in allowed]


def _reachable(
    *, kind: CaseKind, start: CaseStatus, target: CaseStatus, held_from: CaseStatus | None
) -> bool:
    """Whether `target` can be reached from `start` in several steps, by anyone."""
    seen = {start}
    queue = deque([start])
    while queue:
        status = queue.popleft()
        for transition in TRANSITIONS:
            if status not in transition.sources:
                continue
            back = held_from if status is S.ON_HOLD and start is S.ON_HOLD else None
            for following in _targets(transition, back) & STATUSES_OF_KIND[kind]:
                if following is target:
                    return True
                if following not in seen:
                    seen.add(following)
                    queue.append(following)
    return False


def _a(kind: CaseKind) -> str:
    return "een " + KIND_LABEL[kind].lower()


def conflict_message(
    *, kind: CaseKind, current: CaseStatus, target: CaseStatus, held_from: CaseStatus | None
) -> str:
    """Why the status does not allow the transition, e.g. 'Een aanvraag met status Ontvangen
    kan niet direct worden toegekend.'"""
    a_case = _a(kind).capitalize()
    if target is current:
        return f"{a_case} heeft al de status {STATUS_LABEL[current]}."
    if target not in STATUSES_OF_KIND[kind]:
        return f"{a_case} kan niet de status {STATUS_LABEL[target]} krijgen."
    if _reachable(kind=kind, start=current, target=target, held_from=held_from):
        qualifier = "niet direct"
    elif current in CLOCK_STOPPED:
        qualifier = "niet meer"
    else:
        qualifier = "niet"
    message = f"{a_case} met status {STATUS_LABEL[current]} kan {qualifier} {_PHRASES[target][1]}."
    if current is S.ON_HOLD:
        message += f" Haal de {KIND_LABEL[kind].lower()} eerst uit afwachting."
    return message


def forbidden_message(
    *, kind: CaseKind, role: Role, transition: Transition, target: CaseStatus
) -> str:
    """Why the role may not, e.g. 'Uw rol behandelaar mag een aanvraag niet toekennen; dat
    mag alleen een beslisser.'"""
    verb = transition.verb or _PHRASES[target][0]
    who = " of ".join(ROLE_LABEL[r].lower() for r in sorted(transition.roles))
    return (
        f"Uw rol {ROLE_LABEL[role].lower()} mag {_a(kind)} niet {verb}; dat mag alleen een {who}."
    )
