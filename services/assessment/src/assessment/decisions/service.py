"""Recording the decision: by a beslisser after the assessment, or by the system at once
(achteraf toetsen, file check). The decision event is the one source of the decided status and
of the decision letter.

Takes a session, never commits.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.advice import repository as advices
from assessment.casefile import repository as cases
from assessment.casefile.models import KnownCase
from assessment.decisions import repository
from assessment.decisions.models import Decision
from assessment.parameters import service as parameters
from contracts.assessment import DecisionBasis, DecisionRecorded, Outcome, RejectionReason
from servicekit.outbox import add_event

SYSTEM = "system"


class DecisionRefusedError(Exception):
    """The decision cannot be recorded as asked; `status` is the HTTP answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _differs(outcome: Outcome, advice: str | None) -> bool:
    return advice is None or (outcome, advice) not in {("granted", "grant"), ("rejected", "reject")}


async def _store(
    session: AsyncSession,
    decision: Decision,
    *,
    correlation_id: str,
    causation_id: uuid.UUID | None,
) -> bool:
    if not await repository.add_once(session, decision):
        return False
    await add_event(
        session,
        DecisionRecorded(
            decision_id=decision.id,
            case_id=decision.case_id,
            municipality_code=decision.municipality_code,
            outcome="granted" if decision.outcome == "granted" else "rejected",
            basis=decision.basis,
            reasons=tuple(decision.reasons),
            custom_reason=decision.custom_reason,
            advice=decision.advice,
            differs_from_advice=decision.differs_from_advice,
            effective_from=decision.effective_from,
            decided_by=decision.decided_by,
            decided_at=decision.decided_at,
        ),
        correlation_id=correlation_id,
        causation_id=causation_id,
    )
    return True


async def decide(
    session: AsyncSession,
    *,
    case: KnownCase,
    outcome: Outcome,
    reasons: tuple[RejectionReason, ...],
    custom_reason: str | None,
    motivation: str | None,
    decided_by: str,
    at: datetime,
    correlation_id: str,
) -> Decision:
    """A beslisser's decision, checked against the rules of the fixed reasons, the motivation
    when it differs from the advice, and four eyes."""
    if await repository.of_case(session, case.case_id) is not None:
        raise DecisionRefusedError(409, "over deze zaak is al besloten")
    if outcome == "granted" and reasons:
        raise DecisionRefusedError(422, "reasons: alleen een afwijzing heeft redenen")
    if outcome == "rejected" and not reasons:
        raise DecisionRefusedError(
            422, "reasons: geef minstens één reden (income_too_high, assets_too_high, custom)"
        )
    if len(set(reasons)) != len(reasons):
        raise DecisionRefusedError(422, "reasons: elke reden één keer")
    if ("custom" in reasons) != bool(custom_reason and custom_reason.strip()):
        raise DecisionRefusedError(
            422, "custom_reason: geef de tekst van de aangepaste reden precies bij reden custom"
        )
    advice = await advices.latest(session, case.case_id)
    advised = advice.advice if advice else None
    differs = _differs(outcome, advised)
    if differs and not (motivation and motivation.strip()):
        raise DecisionRefusedError(
            422,
            "motivation: het besluit wijkt af van het advies"
            + (f" ({advised})" if advised else " (er is geen advies)")
            + "; geef een motivering",
        )
    version = await parameters.applicable(session, case.municipality_code, case.submitted_on, at=at)
    if version.four_eyes:
        prepared = {p.subject for p in await cases.preparers(session, case.case_id)}
        if case.assignee:
            prepared.add(case.assignee)
        if decided_by in prepared:
            raise DecisionRefusedError(
                403,
                "vier ogen: u heeft deze zaak voorbereid (gegevens ingevoerd, advies gevraagd, "
                "naar advies gereed gezet of toegewezen gekregen); een andere beslisser besluit",
            )
    decision = Decision(
        id=uuid.uuid4(),
        case_id=case.case_id,
        municipality_code=case.municipality_code,
        outcome=outcome,
        basis="assessment",
        reasons=list(reasons),
        custom_reason=custom_reason.strip() if custom_reason else None,
        motivation=motivation.strip() if motivation else None,
        advice_id=advice.id if advice else None,
        advice=advised,
        differs_from_advice=differs,
        effective_from=case.requested_start_date if outcome == "granted" else None,
        decided_by=decided_by,
        decided_at=at,
    )
    if not await _store(session, decision, correlation_id=correlation_id, causation_id=None):
        raise DecisionRefusedError(409, "over deze zaak is al besloten")
    return decision


async def decide_by_system(
    session: AsyncSession,
    *,
    case: KnownCase,
    basis: DecisionBasis,
    at: datetime,
    correlation_id: str,
    causation_id: uuid.UUID | None,
) -> bool:
    """Granted at once: "toegekend zonder onderzoek" or "op basis van bestandscheck"."""
    decision = Decision(
        id=uuid.uuid4(),
        case_id=case.case_id,
        municipality_code=case.municipality_code,
        outcome="granted",
        basis=basis,
        reasons=[],
        custom_reason=None,
        motivation=None,
        advice_id=None,
        advice=None,
        differs_from_advice=False,
        effective_from=case.requested_start_date,
        decided_by=SYSTEM,
        decided_at=at,
    )
    return await _store(session, decision, correlation_id=correlation_id, causation_id=causation_id)
