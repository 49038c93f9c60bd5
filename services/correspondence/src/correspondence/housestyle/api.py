"""House style routes: read (staff of the municipality), save (functioneel beheerder)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status

from correspondence.access import Designer, TemplateReader
from correspondence.housestyle import service
from correspondence.housestyle.images import ImageProblem
from correspondence.housestyle.schemas import HouseStyleIn, HouseStyleOut
from correspondence.scope import clock_of, municipality_name, visible_municipality
from servicekit.http import DbSession

router = APIRouter(tags=["house style"])


@router.get("/municipalities/{code}/house-style", response_model=HouseStyleOut)
async def get_house_style(
    code: str, principal: TemplateReader, session: DbSession
) -> HouseStyleOut:
    """The house style; a neutral default (`is_default`) until the municipality saves its own."""
    tenant = await visible_municipality(session, principal, code)
    return service.out(await service.current(session, code=code, name=municipality_name(tenant)))


@router.put(
    "/municipalities/{code}/house-style",
    response_model=HouseStyleOut,
    responses={422: {"description": "a colour, logo or text refused, with the reason"}},
)
async def put_house_style(
    code: str, body: HouseStyleIn, principal: Designer, session: DbSession, request: Request
) -> HouseStyleOut:
    await visible_municipality(session, principal, code)
    try:
        style = await service.save(
            session, code=code, body=body, actor=principal.subject, now=clock_of(request).now()
        )
    except (ImageProblem, ValueError) as problem:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(problem)) from None
    return service.out(style)
