"""The gateway app: public API in front of the services, plus the relay of its own outbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request

from gateway import api, docs, imports, routes_handling, routes_reporting, ui
from gateway.assessment import api as assessment_api
from gateway.correspondence import api as correspondence_api
from gateway.documents import api as documents_api
from gateway.documents import portal as documents_portal
from gateway.headers import ApiHeaders
from gateway.proxy import Downstreams, open_downstreams
from gateway.settings import GatewaySettings
from gateway.ui import sweeper
from servicekit.http import create_service_app
from servicekit.runtime import ServiceRuntime

DESCRIPTION = """\
The public API of the Gemeentepolis backoffice, for municipalities, ISDs and the
GezondVerzekerd website. Authenticate with `Authorization: Bearer <API key>`; a key
belongs to one organisation and sees only that organisation's municipalities.
"""


async def _downstream_reachability(request: Request) -> dict[str, Any]:
    downstreams: Downstreams = request.app.state.downstreams
    cases, intake, documents, assessment = await asyncio.gather(
        downstreams.cases.reachable(),
        downstreams.intake.reachable(),
        downstreams.documents.reachable(),
        downstreams.assessment.reachable(),
    )
    return {
        "downstream": {
            "cases": cases,
            "intake": intake,
            "documents": documents,
            "assessment": assessment,
        }
    }


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
    )
    app.state.settings = settings
    app.add_middleware(ApiHeaders)
    # Before api.router: `/api/v1/cases/export.csv` is not a `/api/v1/cases/{case_id}`.
    app.include_router(routes_reporting.router)
    app.include_router(api.router)
    app.include_router(routes_handling.router)
    ui.install(app, settings)
    if settings.api_docs:
        docs.install(app)
    app.include_router(imports.router)
    app.include_router(documents_api.router)
    app.include_router(documents_portal.router)
    app.include_router(assessment_api.router)
    app.include_router(correspondence_api.router)
    return app
