"""Organisaties: the operator's list of municipalities with their licence, and the form that
changes one. Each change is audited and announced to the services (`service.set_licence`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from contracts.licences import ADDON_LABEL, ADDONS_REQUIRE, LICENCE_LABEL, Addon, Licence
from gateway import repository
from gateway.audit.service import Actor, user_ref
from gateway.client_address import client_address_of
from gateway.licences import service
from gateway.ui.web import LicenceManager, PageNotFoundError, Staff, render, runtime
from servicekit.logs import new_correlation_id

router = APIRouter(prefix="/ui/organisaties", include_in_schema=False)

LICENCES = {licence.value: LICENCE_LABEL[licence] for licence in Licence}
ADDONS = {
    addon.value: f"{ADDON_LABEL[addon]} (bij {LICENCE_LABEL[ADDONS_REQUIRE[addon]]})"
    for addon in Addon
}


@router.get("")
async def organisations(
    request: Request, staff: LicenceManager, gewijzigd: str | None = None
) -> Response:
    async with runtime(request).database.transaction() as session:
        municipalities = await repository.list_municipalities(session)
        held = await service.all_licences(session)
    changed = next((m.name for m in municipalities if m.code == gewijzigd), None)
    return render(
        request,
        "organisations.html",
        staff=staff,
        active="organisaties",
        rows=[(m, held[m.code]) for m in municipalities],
        changed=changed,
    )


async def _page(
    request: Request,
    staff: Staff,
    code: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, object] | None = None,
    status_code: int = 200,
) -> Response:
    async with runtime(request).database.transaction() as session:
        municipality = await repository.get_municipality(session, code)
        if municipality is None:
            raise PageNotFoundError
        held = await service.licence_of(session, code)
    return render(
        request,
        "organisation.html",
        staff=staff,
        active="organisaties",
        status_code=status_code,
        municipality=municipality,
        held=held,
        licences=LICENCES,
        addons=ADDONS,
        errors=errors or {},
        values=values or {"licence": held.licence.value, "addons": [a.value for a in held.addons]},
    )


@router.get("/{code}")
async def organisation(request: Request, staff: LicenceManager, code: str) -> Response:
    return await _page(request, staff, code)


@router.post("/{code}")
async def change_licence(
    request: Request,
    staff: LicenceManager,
    code: str,
    licence: Annotated[str, Form(max_length=50)] = "",
    addons: Annotated[list[str] | None, Form(max_length=50)] = None,
) -> Response:
    chosen = addons or []
    by = Actor(user_ref(staff.current.user.username), client_address_of(request))
    problem: dict[str, str] = {}
    async with runtime(request).database.transaction() as session:
        if await repository.get_municipality(session, code) is None:
            raise PageNotFoundError
        try:
            await service.set_licence(
                session,
                code=code,
                licence=licence,
                addons=chosen,
                by=by,
                correlation_id=new_correlation_id(),
            )
        except service.LicenceInputError as error:
            problem[error.field] = str(error)
    if problem:
        return await _page(
            request,
            staff,
            code,
            errors=problem,
            values={"licence": licence, "addons": chosen},
            status_code=422,
        )
    return RedirectResponse(f"/ui/organisaties?gewijzigd={code}", status_code=303)
