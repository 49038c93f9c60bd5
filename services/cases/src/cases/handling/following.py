"""Following the other services' events: the case's status, advice, decision and term move
with what happens in the assessment, the documents and the correspondence.

- `assessment.data_session.started`: received / invited → awaiting_data; else a note.
- `assessment.data.delivered`: a note; a hold is lifted.
- `assessment.advice.given`: the advice (the newest); received / invited / awaiting_data →
  advice_ready; else a note.
- `assessment.decision.recorded`: any open status or on hold → decided_granted /
  decided_rejected, the `decision` column set; else a note.
- `documents.document.added` (from the resident or staff): a note; a hold is lifted.
- `correspondence.information.requested`: the term kept; → under_investigation where the
  workflow's step allows it; else a note.
- `correspondence.information.received`: the term stops; a note; a hold is lifted.
- `correspondence.term.expired`: a note proposing *buiten behandeling*; a beslisser decides.
- `correspondence.letter.sent` / `.failed`: the case's failed letters and latest reminder (for
  the work list); no history row (the case's letters are the correspondence's to show).

A term to complete suspends the decision term (Awb 4:15, `terms.py`); data or a document that
arrives marks the case for the work list (`data_arrived_at`) until its status next changes.

Every status change is the workflow's (`handling.check` as the system) made by
`handling.change_status`, as a person's is: a history row and a `cases.case.status_changed`
event in the outbox. What the workflow does not allow from the case's status is only noted in
the history. A batch locks its cases at once and applies its events in the order they arrived;
the consumer's inbox makes a repeated delivery change nothing. An event for a case this service
does not know (or of another municipality) changes nothing and is logged by its ids only.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from cases.handling import holds, letters, repository, terms
from cases.handling import service as handling
from cases.handling.service import SYSTEM_ACTOR, utc_now
from cases.handling.workflow import TransitionConflictError
from cases.models import Case, CaseHistory
from cases.statuses import STATUS_LABEL, CaseStatus
from contracts.assessment import AdviceGiven, DataDelivered, DataSessionStarted, DecisionRecorded
from contracts.base import Event
from contracts.correspondence import (
    InformationReceived,
    InformationRequested,
    LetterFailed,
    LetterSent,
    TermExpired,
)
from contracts.documents import DocumentAdded
from contracts.vocabulary import ADVICE_LABEL, DECISION_LABEL, Advice, Decision
from servicekit.routes import Delivery

log = structlog.get_logger(__name__)

S = CaseStatus

Followed = (
    DataSessionStarted
    | DataDelivered
    | AdviceGiven
    | DecisionRecorded
    | DocumentAdded
    | InformationRequested
    | InformationReceived
    | TermExpired
    | LetterSent
    | LetterFailed
)

SESSION_MOVES_FROM: Final = frozenset({S.RECEIVED, S.INVITED})
"""A data session sends only a case nobody has acted on yet to *Wacht op gegevens*; a case in
investigation keeps its running term (the workflow would allow it, the meaning would be lost)."""

ADVICE_MOVES_FROM: Final = frozenset({S.RECEIVED, S.INVITED, S.AWAITING_DATA})
"""An advice makes these *Advies gereed*. Not *In onderzoek*: staff set it and a term to
complete runs (see `contracts.vocabulary.CaseStatus`), so they move it on by hand."""

DATA_SOURCE: Final = {"ockto": "via Ockto", "manual": "handmatig ingevoerd"}
DECISION_BASIS: Final = {
    "assessment": "na beoordeling",
    "without_investigation": "zonder onderzoek (achteraf toetsen)",
    "file_check": "op basis van bestandscheck",
}
DOCUMENT_KIND: Final = {
    "payslip": "loonstrook",
    "bank_statement": "bankafschrift",
    "benefit_statement": "uitkeringsspecificatie",
    "pension_statement": "pensioenspecificatie",
    "income_statement": "inkomensverklaring",
    "tax_assessment": "aanslag",
    "asset_statement": "vermogensoverzicht",
    "letter": "brief",
    "other": "overig",
}


def _day(value: date) -> str:
    """A date as staff read it, e.g. 15-12-2026."""
    return value.strftime("%d-%m-%Y")


@dataclass
class _Plan:
    """What a batch writes, in the order its events arrived."""

    now: datetime
    history: list[CaseHistory] = field(default_factory=list)
    events: list[tuple[Event, str, uuid.UUID | None]] = field(default_factory=list)
    changes: int = 0


@dataclass
class _Step:
    """One event applied to its (locked) case."""

    plan: _Plan
    case: Case
    delivery: Delivery[Any]

    def details(self, **values: Any) -> dict[str, Any]:
        return {"event_id": str(self.delivery.envelope.event_id), **values}

    def move(
        self, to: CaseStatus, *, via: str, actor: str, reason: str, details: dict[str, Any]
    ) -> bool:
        """Make the workflow's step `via` to `to` as the system; False when the case's status
        does not allow that step. Another row to the same status (restoring an aborted case,
        lifting a hold) is never taken: those are for people to decide."""
        try:
            allowed = handling.check(self.case, to=to, role=None)
        except TransitionConflictError:
            return False
        if allowed.name != via:
            return False
        self.record(
            handling.change_status(
                self.case,
                to=to,
                transition=allowed,
                actor=actor,
                reason=reason,
                now=self.plan.now,
                details=details,
            )
        )
        return True

    def lift_hold(self, *, reason: str, cause: str) -> None:
        """Lift the case's hold, if it is on hold: what it waited for arrived."""
        change = holds.lifted_on_arrival(self.case, reason=reason, cause=cause, now=self.plan.now)
        if change is not None:
            history, _ = change
            history.details = self.details(**history.details)
            self.record(change)

    def data_arrived(self, moment: datetime) -> None:
        """Mark the case for the work list's *Gegevens ontvangen* (after lifting its hold, which
        is no one handling what arrived)."""
        self.case.data_arrived_at, self.case.updated_at = moment, self.plan.now

    def record(self, change: handling.StatusChange) -> None:
        history, event = change
        self.plan.history.append(history)
        self.plan.events.append(self.delivery.follow_up(event))
        self.plan.changes += 1

    def note(self, action: str, *, actor: str, reason: str, details: dict[str, Any]) -> None:
        """A history row without a status change."""
        self.plan.history.append(
            CaseHistory(
                case_id=self.case.id,
                occurred_at=self.plan.now,
                action=action,
                actor=actor,
                from_status=None,
                to_status=None,
                reason=reason,
                details=details,
            )
        )


async def follow(
    *,
    session: AsyncSession,
    deliveries: Sequence[Delivery[Followed]],
    now: datetime | None = None,
) -> None:
    """Apply a batch of the other services' events to their cases, in the order received."""
    plan = _Plan(now or utc_now())
    ids = list(dict.fromkeys(delivery.event.case_id for delivery in deliveries))
    cases = await repository.lock_cases(session, case_ids=ids)
    unknown = 0
    for delivery in deliveries:
        event = delivery.event
        case = cases.get(event.case_id)
        if case is None or case.municipality_code != event.municipality_code:
            # Ids only: an event about a case we never opened says nothing about a person here.
            log.warning(
                "cases.event.unknown_case",
                event_type=event.event_type,
                event_id=str(delivery.envelope.event_id),
                case_id=str(event.case_id),
                other_municipality=case is not None,
            )
            unknown += 1
            continue
        _apply(_Step(plan, case, delivery), event)
    await handling.write(session, history=plan.history, events=plan.events)
    log.info(
        "cases.events.followed",
        events=len(deliveries),
        status_changes=plan.changes,
        history=len(plan.history),
        unknown_cases=unknown,
    )


def _apply(step: _Step, event: Followed) -> None:
    match event:
        case DataSessionStarted():
            _data_session_started(step, event)
        case DataDelivered():
            _data_delivered(step, event)
        case AdviceGiven():
            _advice_given(step, event)
        case DecisionRecorded():
            _decision_recorded(step, event)
        case DocumentAdded():
            _document_added(step, event)
        case InformationRequested():
            _information_requested(step, event)
        case InformationReceived():
            _information_received(step, event)
        case TermExpired():
            _term_expired(step, event)
        case LetterSent():
            if letters.sent(step.case, event):
                step.case.updated_at = step.plan.now
        case LetterFailed():
            if letters.failed(step.case, event):
                step.case.updated_at = step.plan.now


def _data_session_started(step: _Step, event: DataSessionStarted) -> None:
    reason = "Ockto-sessie gestart" + (" (automatisch)" if event.trigger == "automatic" else "")
    details = step.details(session_id=event.session_id, trigger=event.trigger)
    moved = S(step.case.status) in SESSION_MOVES_FROM and step.move(
        S.AWAITING_DATA, via="awaiting_data", actor=event.started_by, reason=reason, details=details
    )
    if not moved:
        step.note("data_session_started", actor=event.started_by, reason=reason, details=details)


def _data_delivered(step: _Step, event: DataDelivered) -> None:
    step.note(
        "data_delivered",
        actor=event.recorded_by,
        reason=f"Gegevens {DATA_SOURCE[event.source]}",
        details=step.details(source=event.source, session_id=event.session_id),
    )
    step.lift_hold(reason=holds.LIFTED_DATA_ARRIVED, cause="data_arrived")
    step.data_arrived(event.delivered_at)


def _advice_given(step: _Step, event: AdviceGiven) -> None:
    case = step.case
    if case.advice_given_at is not None and event.given_at < case.advice_given_at:
        # Recomputed advices can overtake each other (retries, replicas): the newest stays.
        log.info("cases.advice.superseded", case_id=str(case.id), advice_id=str(event.advice_id))
        return
    label = ADVICE_LABEL[Advice(event.advice)]
    if case.advice is None:
        reason = f"Advies: {label}"
    elif case.advice == event.advice:
        reason = f"Advies herberekend: {label} (ongewijzigd)"
    else:
        reason = f"Advies herberekend: {label} (was {ADVICE_LABEL[Advice(case.advice)]})"
    details = step.details(
        advice=event.advice,
        advice_id=str(event.advice_id),
        reasons=list(event.reasons),
        previous_advice=case.advice,
    )
    case.advice, case.advice_given_at, case.updated_at = event.advice, event.given_at, step.plan.now
    case.four_eyes = event.four_eyes
    # The system, not a person, made it ready: the assessment counts no preparer (four eyes).
    moved = S(case.status) in ADVICE_MOVES_FROM and step.move(
        S.ADVICE_READY, via="advice_ready", actor=SYSTEM_ACTOR, reason=reason, details=details
    )
    if not moved:
        step.note("advice_given", actor=SYSTEM_ACTOR, reason=reason, details=details)


def _decision_recorded(step: _Step, event: DecisionRecorded) -> None:
    case = step.case
    target = S.DECIDED_GRANTED if event.outcome == "granted" else S.DECIDED_REJECTED
    if case.status == target:
        return  # the same decision again: the case already says so
    label = DECISION_LABEL[Decision(event.outcome)]
    reason = f"Besluit: {label} {DECISION_BASIS[event.basis]}"
    details = step.details(
        decision_id=str(event.decision_id),
        outcome=event.outcome,
        basis=event.basis,
        reasons=list(event.reasons),
        advice=event.advice,
        differs_from_advice=event.differs_from_advice,
        effective_from=event.effective_from.isoformat() if event.effective_from else None,
    )
    if step.move(target, via="decided", actor=event.decided_by, reason=reason, details=details):
        return
    # A closed, aborted or otherwise decided case keeps its status; staff see the decision.
    log.warning(
        "cases.decision.status_unchanged",
        case_id=str(case.id),
        decision_id=str(event.decision_id),
        status=case.status,
    )
    status = STATUS_LABEL[S(case.status)]
    step.note(
        "decision_recorded",
        actor=event.decided_by,
        reason=f"{reason}; de status {status} is niet gewijzigd",
        details=details,
    )


def _document_added(step: _Step, event: DocumentAdded) -> None:
    if event.source == "system":
        return  # our own letters and Ockto's source documents are nothing the case waited for
    kind = DOCUMENT_KIND.get(event.kind, event.kind)
    step.note(
        "document_received",
        actor=event.added_by,
        reason=f"{holds.LIFTED_DOCUMENT_RECEIVED}: {kind}",
        details=step.details(
            document_id=str(event.document_id), kind=event.kind, source=event.source
        ),
    )
    step.lift_hold(reason=holds.LIFTED_DOCUMENT_RECEIVED, cause="document_received")
    step.data_arrived(event.added_at)


def _information_requested(step: _Step, event: InformationRequested) -> None:
    case = step.case
    terms.start(
        case,
        request_id=event.request_id,
        ends_on=event.term_ends_on,
        requested_at=event.requested_at,
    )
    case.updated_at = step.plan.now
    reason = f"Informatie opgevraagd; hersteltermijn tot en met {_day(event.term_ends_on)}"
    details = step.details(
        request_id=str(event.request_id), term_ends_on=event.term_ends_on.isoformat()
    )
    moved = step.move(
        S.UNDER_INVESTIGATION,
        via="investigation_started",
        actor=event.requested_by,
        reason=reason,
        details=details,
    )
    if not moved:
        step.note("information_requested", actor=event.requested_by, reason=reason, details=details)


def _information_received(step: _Step, event: InformationReceived) -> None:
    case = step.case
    if terms.complete(case, request_id=event.request_id, received_at=event.received_at):
        case.updated_at = step.plan.now
    step.note(
        "information_received",
        actor=SYSTEM_ACTOR,
        reason=holds.LIFTED_INFORMATION_RECEIVED,
        details=step.details(request_id=str(event.request_id)),
    )
    step.lift_hold(reason=holds.LIFTED_INFORMATION_RECEIVED, cause="information_received")


def _term_expired(step: _Step, event: TermExpired) -> None:
    # Not processing is a formal decision (Awb 4:5): proposed here, taken by a beslisser.
    step.note(
        "term_expired",
        actor=SYSTEM_ACTOR,
        reason=f"Hersteltermijn verstreken op {_day(event.term_ended_on)}; voorstel: buiten "
        "behandeling stellen (een beslisser beslist)",
        details=step.details(
            request_id=str(event.request_id),
            term_ended_on=event.term_ended_on.isoformat(),
            proposal=S.NOT_PROCESSED.value,
        ),
    )
