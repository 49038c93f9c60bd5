"""Scope checks every route shares: outside the caller's municipalities is answered 404."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import HTTPException, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from correspondence.residents import repository as residents
from correspondence.residents.models import CaseCopy
from correspondence.settings import CorrespondenceSettings
from servicekit.auth import Principal
from servicekit.clock import Clock
from servicekit.runtime import ServiceRuntime
from servicekit.tenants import Tenant, get_tenant

CASE_NOT_FOUND = "zaak niet gevonden (of niet binnen uw organisatie)"
MUNICIPALITY_NOT_FOUND = "gemeente niet gevonden (of niet binnen uw organisatie)"


async def visible_case(session: AsyncSession, principal: Principal, case_id: uuid.UUID) -> CaseCopy:
    case = await residents.get_case(session, case_id)
    if case is None or not principal.may_see(case.municipality_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, CASE_NOT_FOUND)
    return case


async def visible_municipality(session: AsyncSession, principal: Principal, code: str) -> Tenant:
    """A customer municipality in the caller's scope (404 otherwise, also when unknown)."""
    if not principal.may_see(code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, MUNICIPALITY_NOT_FOUND)
    tenant = await get_tenant(session, code)
    if tenant is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, MUNICIPALITY_NOT_FOUND)
    return tenant


def municipality_name(tenant: Tenant) -> str:
    return tenant.name if tenant.name != tenant.code else f"Gemeente {tenant.code}"


def clock_of(request: Request) -> Clock:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime.clock


def settings_of(request: Request) -> CorrespondenceSettings:
    settings: CorrespondenceSettings = request.app.state.settings
    return settings


def state(request: Request, name: str) -> Any:
    return getattr(request.app.state, name)
