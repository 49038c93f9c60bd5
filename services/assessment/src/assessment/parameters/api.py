"""HTTP API of the parameters: versions per municipality, which applies on a date, the audit."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.access import MUNICIPALITY_NOT_FOUND, ParameterEditor, ParameterReader, in_scope
from assessment.deps import parts
from assessment.parameters import repository, service
from assessment.parameters.schemas import (
    AuditOut,
    NewVersion,
    Problem,
    Refusal,
    VersionOut,
    Versions,
)
from servicekit.auth import Principal
from servicekit.http import DbSession
from servicekit.tenants import get_tenant

router = APIRouter(tags=["parameters"])
Code = Annotated[str, Path(pattern=r"^[0-9]{4}$", description="CBS code, e.g. 0363")]


async def _visible(session: AsyncSession, principal: Principal, code: str) -> None:
    """The municipality must be in scope and known (a customer, or with parameters)."""
    in_scope(principal, code, what=MUNICIPALITY_NOT_FOUND)
    if await get_tenant(session, code) is None and not await repository.versions(session, code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, MUNICIPALITY_NOT_FOUND)


@router.get(
    "/municipalities/{code}/parameters",
    response_model=Versions,
    summary="The parameter versions of a municipality; with `on`, which one applies that day",
)
async def list_versions(
    request: Request,
    code: Code,
    session: DbSession,
    principal: ParameterReader,
    on: date | None = None,
) -> Versions:
    await _visible(session, principal, code)
    await service.ensure_default(session, code, at=parts(request).now())
    versions = await repository.versions(session, code)
    applicable = await repository.applicable(session, code, on) if on else None
    return Versions(
        municipality_code=code,
        versions=[VersionOut.of(v) for v in versions],
        applies_on=on,
        applicable_version_id=applicable.id if applicable else None,
    )


@router.post(
    "/municipalities/{code}/parameters",
    status_code=status.HTTP_201_CREATED,
    response_model=VersionOut,
    responses={422: {"model": Refusal, "description": "refused, field by field"}},
    summary="Add a version from a date (fields left out keep the previous version's value)",
)
async def add_version(
    request: Request,
    code: Code,
    body: NewVersion,
    session: DbSession,
    principal: ParameterEditor,
) -> VersionOut | JSONResponse:
    await _visible(session, principal, code)
    try:
        version = await service.add_version(
            session,
            code=code,
            valid_from=body.valid_from,
            valid_until=body.valid_until,
            values=body.given_values(),
            note=body.note,
            actor=principal.subject,
            at=parts(request).now(),
        )
    except service.ParameterProblemsError as error:
        refusal = Refusal(
            detail="De parameters zijn niet opgeslagen: " + str(error),
            errors=[Problem(field=p.field, message=p.message) for p in error.problems],
        )
        return JSONResponse(refusal.model_dump(), status_code=422)
    return VersionOut.of(version)


@router.get(
    "/municipalities/{code}/parameters/audit",
    response_model=list[AuditOut],
    summary="Who changed which parameters when, newest first",
)
async def audit_trail(code: Code, session: DbSession, principal: ParameterReader) -> list[AuditOut]:
    await _visible(session, principal, code)
    return [AuditOut.of(row) for row in await repository.audit_trail(session, code)]
