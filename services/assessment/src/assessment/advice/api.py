"""HTTP API of the case's assessment: everything at once for the screen, and a recompute."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status

from assessment.access import CaseHandler, CaseReader, visible_case
from assessment.advice import repository, service
from assessment.advice.schemas import (
    ADVICE_LABELS,
    AdviceHistoryItem,
    AdviceOut,
    AssessmentOut,
    DataSource,
    DecisionOut,
)
from assessment.casefile import repository as cases
from assessment.casefile import service as casefile
from assessment.decisions import repository as decisions
from assessment.deps import parts
from assessment.ockto import repository as ockto
from assessment.ockto.schemas import SessionOut
from assessment.parameters import service as parameters
from contracts.permissions import Permission, allows
from servicekit.http import DbSession, correlation_id_of

router = APIRouter(tags=["assessment"])


def _source(package: Any, document: dict[str, Any], current: bool, files: list[Any]) -> DataSource:
    starts = [i["period_start"] for i in document["incomes"]]
    ends = [i["period_end"] for i in document["incomes"]]
    return DataSource(
        package_id=package.id,
        origin=package.origin,
        current=current,
        recorded_by=package.recorded_by,
        recorded_at=package.recorded_at,
        persons=list(document["persons_covered"]),
        sources={p["role"]: list(p.get("sources", [])) for p in document.get("persons", [])},
        period_first=min(starts) if starts else None,
        period_last=max(ends) if ends else None,
        partner_detected=document.get("partner_detected"),
        incomes=document["incomes"],
        assets=document["assets"],
        documents=[
            {
                "kind": f.kind,
                "sha256": f.sha256,
                "state": f.state,
                "document_id": str(f.document_id) if f.document_id else None,
            }
            for f in files
            if f.package_id == package.id
        ]
        or document.get("documents", []),
    )


@router.get(
    "/cases/{case_id}/assessment",
    response_model=AssessmentOut,
    summary="Sessions, data per source with periods, the advice with figures, explanation and "
    "parameter version, and the decision",
)
async def get_assessment(
    request: Request, case_id: uuid.UUID, session: DbSession, principal: CaseReader
) -> AssessmentOut:
    found = parts(request)
    case = await visible_case(session, principal, case_id)
    version = await parameters.applicable(
        session, case.municipality_code, case.submitted_on, at=found.now()
    )
    _, opened = await service.current_data(session, found.keyring, case_id)
    files = await ockto.documents_of(session, case_id)
    seen: set[str] = set()
    data = []
    for package, document in opened:
        data.append(_source(package, document, package.origin not in seen, files))
        seen.add(package.origin)
    history = await repository.history(session, case_id)
    decision = await decisions.of_case(session, case_id)
    prepared = {p.subject for p in await cases.preparers(session, case_id)} | {case.assignee}
    may_decide = (
        decision is None
        and allows(principal.role, Permission.CASES_DECIDE)
        and not (version.four_eyes and principal.subject in prepared)
    )
    await casefile.log_access(
        session,
        principal=principal,
        case_id=case_id,
        action="view_assessment",
        trace_id=correlation_id_of(request),
        at=found.now(),
    )
    return AssessmentOut(
        case_id=case_id,
        municipality_code=case.municipality_code,
        status=case.status,
        parameter_version_id=version.version_id,
        check_moment=version.check_moment,
        four_eyes=version.four_eyes,
        sessions=[SessionOut.of(r) for r in await ockto.sessions_of(session, case_id)],
        data=data,
        advice=AdviceOut.of(history[0]) if history else None,
        advice_history=[
            AdviceHistoryItem(
                advice_id=a.id,
                advice=a.advice,
                label=ADVICE_LABELS[a.advice],
                parameter_version_id=a.parameter_version_id,
                given_at=a.given_at,
            )
            for a in history
        ],
        decision=DecisionOut.of(decision) if decision else None,
        may_decide=may_decide,
    )


@router.post(
    "/cases/{case_id}/advice",
    response_model=AdviceOut,
    responses={409: {"description": "no data yet, or already decided"}},
    summary="Compute the advice again from the case's current data",
)
async def recompute(
    request: Request, case_id: uuid.UUID, session: DbSession, principal: CaseHandler
) -> AdviceOut:
    found = parts(request)
    case = await visible_case(session, principal, case_id, lock=True)
    given = await service.recompute(
        session,
        case=case,
        keyring=found.keyring,
        trigger="requested",
        requested_by=principal.subject,
        at=found.now(),
        correlation_id=correlation_id_of(request),
    )
    if given is None:
        raise HTTPException(
            status.HTTP_409_CONFLICT, "geen advies: er zijn nog geen gegevens, of er is al besloten"
        )
    await casefile.prepared_by(
        session, case_id=case_id, subject=principal.subject, how="requested_advice", at=found.now()
    )
    return AdviceOut.of(given)
