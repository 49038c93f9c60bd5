"""The gateway app: public API in front of the services, the staff screens, plus the relay of
its own outbox. The one composition root: every feature's routers are registered here."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request

from gateway import docs, releasenotes, ui
from gateway.applications import api as applications_api
from gateway.assessment import api as assessment_api
from gateway.assessment.screens import case as assessment_case_screens
from gateway.assessment.screens import manual as manual_data_screens
from gateway.assessment.screens import parameters as assessment_parameters_screens
from gateway.audit import screens as audit_screens
from gateway.cases.api import casefile as cases_casefile_api
from gateway.cases.api import handling as cases_handling_api
from gateway.cases.api import reporting as cases_reporting_api
from gateway.cases.screens import detail as case_detail_screens
from gateway.cases.screens import listing as case_list_screens
from gateway.cases.screens import worklist as worklist_screens
from gateway.correspondence import api as correspondence_api
from gateway.correspondence.screens import campaigns as campaign_screens
from gateway.correspondence.screens import case as correspondence_case_screens
from gateway.correspondence.screens import house_style as house_style_screens
from gateway.correspondence.screens import templates as template_screens
from gateway.documents import api as documents_api
from gateway.documents import portal as documents_portal
from gateway.documents import screens as documents_screens
from gateway.headers import ApiHeaders
from gateway.imports import api as imports_api
from gateway.imports.screens import quarantine as quarantine_screens
from gateway.imports.screens import re_examinations as import_screens
from gateway.licences import api as licences_api
from gateway.licences import screens as licences_screens
from gateway.operations import api as operations_api
from gateway.operations import screens as operations_screens
from gateway.proxy import Downstreams, open_downstreams
from gateway.settings import GatewaySettings
from gateway.staff.screens import login as login_screens
from gateway.staff.screens import users as user_screens
from gateway.ui import sweeper
from servicekit.http import create_service_app
from servicekit.runtime import ServiceRuntime

DESCRIPTION = """\
The public API of the Gemeentepolis backoffice, for municipalities, ISDs and the
GezondVerzekerd website. Authenticate with `Authorization: Bearer <API key>`; a key
belongs to one organisation and sees only that organisation's municipalities.
"""


PUBLIC_API: tuple[APIRouter, ...] = (
    # Before the case file: `/api/v1/cases/export.csv` is not a `/api/v1/cases/{case_id}`.
    cases_reporting_api.router,
    cases_casefile_api.router,
    cases_handling_api.router,
    imports_api.router,
    applications_api.router,
    documents_api.router,
    documents_portal.router,
    assessment_api.router,
    correspondence_api.router,
    licences_api.router,
    operations_api.router,
)
"""The public routes of every feature (`/api/v1`, and the citizens' upload portal)."""

SCREENS: tuple[APIRouter, ...] = (
    login_screens.router,
    # Before the case page: `/ui/cases/export.csv` is not a `/ui/cases/{case_id}`.
    case_list_screens.router,
    worklist_screens.router,
    case_detail_screens.router,
    documents_screens.router,
    assessment_case_screens.router,
    manual_data_screens.router,
    assessment_parameters_screens.router,
    correspondence_case_screens.router,
    template_screens.router,
    house_style_screens.router,
    campaign_screens.router,
    import_screens.router,
    quarantine_screens.router,
    operations_screens.router,
    user_screens.router,
    audit_screens.router,
    licences_screens.router,
    releasenotes.router,
)
"""The staff screens of every feature (`/ui`), on the shared plumbing of `gateway.ui`."""


async def _downstream_reachability(request: Request) -> dict[str, Any]:
    downstreams: Downstreams = request.app.state.downstreams
    services = downstreams.by_name()
    answers = await asyncio.gather(*(service.reachable() for service in services.values()))
    return {"downstream": dict(zip(services, answers, strict=True))}


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            app.state.downstreams = await stack.enter_async_context(open_downstreams(settings))
            runtime = ServiceRuntime(settings)
            app.state.runtime = runtime
            stack.push_async_callback(runtime.stop)
            await runtime.start()
            await stack.enter_async_context(
                sweeper.sweeping(runtime.database, lambda: app.state.ui_settings)
            )
            yield

    app = create_service_app(
        title="Gemeentepolis backoffice API",
        description=DESCRIPTION,
        lifespan=lifespan,
        readiness_info=_downstream_reachability,
        builtin_docs=False,
        # It consumes nothing, so parks nothing: the services' parked messages are behind
        # /api/v1/operations/parked.
        parked_messages=False,
    )
    app.state.settings = settings
    app.add_middleware(ApiHeaders)
    for router in PUBLIC_API:
        app.include_router(router)
    ui.install(app, settings)
    for router in SCREENS:
        app.include_router(router)
    if settings.api_docs:
        docs.install(app)
    return app
