"""The correspondence service: app factory and lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI, Request

from contracts.assessment import DataDelivered, DataSessionStarted, DecisionRecorded
from contracts.cases import CaseHouseholdCorrected, CaseOpened, CaseStatusChanged
from contracts.documents import DocumentAdded
from correspondence.campaigns.api import router as campaigns_router
from correspondence.handlers import Handlers
from correspondence.housestyle.api import router as housestyle_router
from correspondence.letters.api import router as letters_router
from correspondence.peers import Documents
from correspondence.rendering.compose import Renderer
from correspondence.rendering.office import OfficeConverter
from correspondence.requests.api import router as requests_router
from correspondence.residents.api import router as residents_router
from correspondence.schedules.worker import SchedulePoller
from correspondence.sending.api import router as sending_router
from correspondence.sending.smtp import Mailer
from correspondence.sending.worker import LetterWorker, declare_queue, letters_queue
from correspondence.settings import CorrespondenceSettings
from correspondence.templates.api import router as templates_router
from servicekit.http import create_service_app
from servicekit.logs import configure_logging
from servicekit.runtime import ServiceRuntime
from servicekit.tenants import consume_tenants


class CorrespondenceRuntime(ServiceRuntime):
    """The shared runtime plus the letters work queue, declared at migration time too."""

    settings: CorrespondenceSettings

    async def declare_topology(self) -> None:
        await self.bus.connect()
        try:
            for consumer in self.consumers:
                await consumer.declare()
            await declare_queue(self.bus, prefetch=1)
        finally:
            await self.bus.close()


def build_runtime(settings: CorrespondenceSettings) -> CorrespondenceRuntime:
    """The database, the bus and the consumers, each registered explicitly."""
    runtime = CorrespondenceRuntime(settings)
    handlers = Handlers(clock=runtime.clock, reminder_after_days=settings.reminder_after_days)
    events = runtime.consumer("events")
    events.on(CaseOpened, handlers.case_opened)
    events.on(CaseHouseholdCorrected, handlers.household_corrected)
    events.on(CaseStatusChanged, handlers.status_changed)
    events.on(DataSessionStarted, handlers.data_session_started)
    events.on(DataDelivered, handlers.data_delivered)
    events.on(DecisionRecorded, handlers.decision_recorded)
    events.on(DocumentAdded, handlers.document_added)
    consume_tenants(runtime, then=handlers.licence_changed)
    runtime.observe_queue(letters_queue(settings.service_name))
    return runtime


async def _readiness_info(request: Request) -> dict[str, Any]:
    office: OfficeConverter = request.app.state.office
    return {"libreoffice": await office.reachable()}


def create_app(settings: CorrespondenceSettings | None = None) -> FastAPI:
    config = settings or CorrespondenceSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service=config.service_name, level=config.log_level)
        runtime = build_runtime(config)
        documents = Documents(
            base_url=config.documents_url,
            secret=config.internal_token_secret,
            timeout_seconds=config.documents_timeout_seconds,
        )
        office = OfficeConverter(
            config.unoserver_url, timeout_seconds=config.unoserver_timeout_seconds
        )
        renderer = Renderer(
            office=office,
            max_seconds=config.render_max_seconds,
            max_bytes=config.render_max_output_bytes,
        )
        worker = LetterWorker(
            database=runtime.database,
            bus=runtime.bus,
            clock=runtime.clock,
            settings=config,
            renderer=renderer,
            mailer=Mailer(config),
            documents=documents,
        )
        poller = SchedulePoller(
            database=runtime.database,
            clock=runtime.clock,
            documents=documents,
            poll_seconds=config.schedule_poll_seconds,
            reminder_after=timedelta(days=config.reminder_after_days),
        )
        app.state.runtime = runtime
        app.state.renderer, app.state.office, app.state.documents = renderer, office, documents
        app.state.poller = poller
        await runtime.start()
        await worker.start()
        tasks = [
            asyncio.create_task(worker.run(), name="letters"),
            asyncio.create_task(poller.run(), name="schedules"),
        ]
        try:
            yield
        finally:
            await worker.stop()
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await runtime.stop()
            await documents.close()

    app = create_service_app(
        title="Correspondence service",
        description="Letters and e-mails in the municipality's house style: templates, PDF "
        "rendering, sending, print batches, reminders, terms and campaigns.",
        lifespan=lifespan,
        readiness_info=_readiness_info,
    )
    app.state.settings = config
    app.state.internal_token_secret = config.internal_token_secret
    for router in (
        housestyle_router,
        templates_router,
        letters_router,
        requests_router,
        residents_router,
        campaigns_router,
        sending_router,
    ):
        app.include_router(router)
    return app
