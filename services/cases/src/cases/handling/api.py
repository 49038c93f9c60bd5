"""The internal HTTP API of case handling: transitions, holds, memos, assignment, history.

Refusals carry a Dutch `detail` for the user: 403 when the role may not, 409 when the case's
status does not allow it, 422 when the request cannot be carried out as asked; a case that is
missing or outside the caller's municipalities is 404, with the same body either way.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from cases.handling import assignment, holds, memos
from cases.handling import service as handling
from cases.handling.models import CaseMemo
from cases.handling.schemas import (
    AssigneeRequest,
    CaseHandling,
    CaseSummary,
    HistoryEntry,
    Hold,
    HoldRequest,
    Memo,
    MemoRequest,
    Reason,
    TransitionRequest,
)
from cases.handling.service import CaseNotFoundError, InvalidRequestError
from cases.handling.workflow import TransitionConflictError, TransitionForbiddenError
from cases.models import Case
from cases.reporting import audit
from cases.statuses import CaseStatus
from contracts.api.common import errors
from servicekit.auth import Permission, Principal, require
from servicekit.http import DbSession, correlation_id_of

router = APIRouter(tags=["case handling"])
Reader = Annotated[Principal, Depends(require(Permission.CASES_READ))]
Handler = Annotated[Principal, Depends(require(Permission.CASES_HANDLE))]
MemoWriter = Annotated[Principal, Depends(require(Permission.MEMOS_WRITE))]

MEMOS_VIEWED = "case.memos_viewed"


_ERRORS = errors(401, 403, 404, 422)
_BODY = errors(400, e400="the body is not JSON (or not UTF-8)")
_CONFLICT = errors(
    409,
    e409="The case's status does not allow this, e.g. 'Een aanvraag met status Ontvangen "
    "kan niet direct worden toegekend.'",
)


@contextmanager
def _answering() -> Iterator[None]:
    """Turn the handling's refusals into HTTP answers (the transaction is rolled back)."""
    try:
        yield
    except CaseNotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "case not found") from None
    except TransitionForbiddenError as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, error.message) from None
    except TransitionConflictError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, error.message) from None
    except InvalidRequestError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, error.message) from None


def _handling(case: Case, principal: Principal) -> CaseHandling:
    now = handling.utc_now()
    hold = None
    if case.status == CaseStatus.ON_HOLD and case.held_since is not None:
        hold = Hold(
            reason=case.hold_reason,
            until=case.hold_until,
            since=case.held_since,
            from_status=handling.held_from(case) or CaseStatus.RECEIVED,
        )
    return CaseHandling(
        **CaseSummary.model_validate(case).model_dump(),
        decision=case.decision,
        hold=hold,
        seconds_on_hold=(case.seconds_on_hold or 0) + handling.current_hold_seconds(case, now=now),
        handling_seconds=handling.handling_seconds(case, now=now),
        handling_ended_at=case.handling_ended_at,
        allowed_transitions=handling.allowed_transitions(case, role=principal.role),
    )


async def _changed(
    change: Callable[..., Awaitable[Case]],
    request: Request,
    case_id: uuid.UUID,
    principal: Principal,
    session: AsyncSession,
    **details: Any,
) -> CaseHandling:
    """Make `change` to the case in the caller's scope; answer with its handling state."""
    with _answering():
        case = await change(
            session=session,
            principal=principal,
            case_id=case_id,
            correlation_id=correlation_id_of(request),
            **details,
        )
    return _handling(case, principal)


def _memos(rows: Sequence[CaseMemo]) -> list[Memo]:
    corrected_by: dict[uuid.UUID, list[uuid.UUID]] = {}
    for row in reversed(rows):  # oldest first, so corrections are listed in order
        if row.corrects_memo_id is not None:
            corrected_by.setdefault(row.corrects_memo_id, []).append(row.id)
    return [
        Memo(
            id=row.id,
            created_at=row.created_at,
            author=row.author,
            organisation=row.organisation,
            text=row.text,
            corrects=row.corrects_memo_id,
            corrected_by=corrected_by.get(row.id, []),
        )
        for row in rows
    ]


@router.post(
    "/cases/{case_id}/transitions",
    response_model=CaseHandling,
    summary="Move a case to another status (the workflow decides what is allowed, and by whom)",
    responses={**_ERRORS, **_BODY, **_CONFLICT},
)
async def transition(
    request: Request,
    case_id: uuid.UUID,
    body: TransitionRequest,
    principal: Handler,
    session: DbSession,
) -> CaseHandling:
    return await _changed(
        handling.transition, request, case_id, principal, session, to=body.to, reason=body.reason
    )


@router.put(
    "/cases/{case_id}/hold",
    response_model=CaseHandling,
    summary="Put a case on hold (in afwachting), or change the reason or end of its hold",
    description="The handling clock stops while on hold. After `until` (a date in the "
    "Netherlands) the hold is lifted automatically.",
    responses={
        **_ERRORS,
        **_BODY,
        **_CONFLICT,
    },
)
async def put_on_hold(
    request: Request,
    case_id: uuid.UUID,
    body: HoldRequest,
    principal: Handler,
    session: DbSession,
) -> CaseHandling:
    return await _changed(
        holds.put_on_hold,
        request,
        case_id,
        principal,
        session,
        reason=body.reason,
        until=body.until,
    )


@router.delete(
    "/cases/{case_id}/hold",
    response_model=CaseHandling,
    summary="Lift a case's hold: back to the status it was put on hold from",
    responses={**_ERRORS, **_CONFLICT},
)
async def lift_hold(
    request: Request,
    case_id: uuid.UUID,
    principal: Handler,
    session: DbSession,
    reason: Annotated[Reason | None, Query(description="why, for the history")] = None,
) -> CaseHandling:
    return await _changed(holds.lift_hold, request, case_id, principal, session, reason=reason)


@router.get(
    "/cases/{case_id}/handling",
    response_model=CaseHandling,
    summary="A case's handling state: hold, handling time (without time on hold), next steps",
    responses=_ERRORS,
)
async def get_handling(case_id: uuid.UUID, principal: Reader, session: DbSession) -> CaseHandling:
    with _answering():
        case = await handling.handling(session=session, principal=principal, case_id=case_id)
    return _handling(case, principal)


@router.get(
    "/cases/{case_id}/history",
    response_model=list[HistoryEntry],
    summary="What happened to a case, by whom and why, oldest first",
    responses=_ERRORS,
)
async def get_history(
    case_id: uuid.UUID, principal: Reader, session: DbSession
) -> list[HistoryEntry]:
    with _answering():
        rows = await handling.history(session=session, principal=principal, case_id=case_id)
    return [HistoryEntry.model_validate(row) for row in rows]


@router.put(
    "/cases/{case_id}/assignee",
    response_model=CaseHandling,
    summary="Assign a case to a staff member (`me` for yourself), or to nobody (null)",
    responses={**_ERRORS, **_BODY},
)
async def put_assignee(
    request: Request,
    case_id: uuid.UUID,
    body: AssigneeRequest,
    principal: Handler,
    session: DbSession,
) -> CaseHandling:
    return await _changed(
        assignment.assign, request, case_id, principal, session, assignee=body.assignee
    )


@router.get(
    "/cases/{case_id}/memos",
    response_model=list[Memo],
    summary="A case's memos, newest first",
    responses=_ERRORS,
)
async def list_memos(
    request: Request, case_id: uuid.UUID, principal: Reader, session: DbSession
) -> list[Memo]:
    with _answering():
        case, rows = await memos.list_memos(session=session, principal=principal, case_id=case_id)
    # Memos are free text about residents: reading them is logged like viewing the case.
    access = audit.Access(principal, correlation_id_of(request))
    await audit.record(
        session,
        [
            access.row(
                MEMOS_VIEWED,
                municipality_code=case.municipality_code,
                case_id=case.id,
                application_number=case.application_number,
            )
        ],
    )
    return _memos(rows)


@router.post(
    "/cases/{case_id}/memos",
    response_model=Memo,
    status_code=status.HTTP_201_CREATED,
    summary="Add a memo, or a correction of an earlier memo (memos are never changed)",
    responses={**_ERRORS, **_BODY},
)
async def add_memo(
    case_id: uuid.UUID, body: MemoRequest, principal: MemoWriter, session: DbSession
) -> Memo:
    with _answering():
        row = await memos.add_memo(
            session=session,
            principal=principal,
            case_id=case_id,
            text=body.text,
            corrects=body.corrects,
        )
    return _memos([row])[0]
