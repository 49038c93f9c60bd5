"""The resident's consent to e-mail, per kind of message (re-examinations)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from correspondence.access import Handler, Reader
from correspondence.residents import repository
from correspondence.residents.schemas import ConsentIn, ConsentOut
from correspondence.scope import clock_of, visible_case
from servicekit.http import DbSession

router = APIRouter(tags=["contact preferences"])


async def _consents(session: DbSession, case_id: uuid.UUID) -> list[ConsentOut]:
    return [
        ConsentOut(
            kind=row.kind,
            email_allowed=row.email_allowed,
            recorded_by=row.recorded_by,
            recorded_at=row.recorded_at,
        )
        for row in await repository.consents(session, case_id)
    ]


@router.get("/cases/{case_id}/contact-preferences", response_model=list[ConsentOut])
async def get_preferences(
    case_id: uuid.UUID, principal: Reader, session: DbSession
) -> list[ConsentOut]:
    await visible_case(session, principal, case_id)
    return await _consents(session, case_id)


@router.put("/cases/{case_id}/contact-preferences", response_model=list[ConsentOut])
async def put_preferences(
    case_id: uuid.UUID, body: ConsentIn, request: Request, principal: Handler, session: DbSession
) -> list[ConsentOut]:
    """Record what the resident said: which kinds of message may come by e-mail."""
    await visible_case(session, principal, case_id)
    now = clock_of(request).now()
    for kind, allowed in body.email_allowed.items():
        await repository.set_consent(
            session, case_id=case_id, kind=kind, allowed=allowed, actor=principal.subject, now=now
        )
    return await _consents(session, case_id)
