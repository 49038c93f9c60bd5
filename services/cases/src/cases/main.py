"""The composition root: the app factory, whose lifespan builds the runtime (database, bus,
relay, consumers) and the lifting of due holds, and the features' routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from cases import handlers
from cases.casefile.api import router as casefile_router
from cases.handling import holds
from cases.handling.api import router as handling_router
from cases.reporting.api import router as reporting_router
from cases.settings import CasesSettings
from cases.worklist.api import router as worklist_router
from contracts.intake import ReExaminationRequested
from servicekit.http import create_service_app
from servicekit.logs import configure_logging
from servicekit.runtime import ServiceRuntime
from servicekit.tenants import consume_tenants


def build_runtime(settings: CasesSettings) -> ServiceRuntime:
    """The database, the bus and the consumers, each registered explicitly."""
    runtime = ServiceRuntime(settings)
    applications = runtime.consumer("applications")
    applications.on_batch(handlers.APPLICATION_REVISIONS, handlers.application_revisions)
    re_exams = runtime.consumer("re_examinations")
    re_exams.on_batch(
        (ReExaminationRequested,),
        handlers.re_examinations_requested(bsn_hash_secret=settings.bsn_hash_secret),
    )
    # The other services' steps on a case: a queue per source, so one service's backlog never
    # holds up another's.
    assessment = runtime.consumer("assessment")
    assessment.on_batch(handlers.ASSESSMENT_EVENTS, handlers.followed_events)
    documents = runtime.consumer("documents")
    documents.on_batch(handlers.DOCUMENT_EVENTS, handlers.followed_events)
    correspondence = runtime.consumer("correspondence")
    correspondence.on_batch(handlers.CORRESPONDENCE_EVENTS, handlers.followed_events)
    consume_tenants(runtime)  # the municipalities' names, for the exports
    return runtime


def create_app(settings: CasesSettings | None = None) -> FastAPI:
    """The cases service; nothing connects until the lifespan starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resolved = settings or CasesSettings()
        configure_logging(service=resolved.service_name, level=resolved.log_level)
        runtime = build_runtime(resolved)
        app.state.runtime = runtime
        app.state.internal_token_secret = resolved.internal_token_secret
        app.state.cursor_secret = resolved.cursor_secret
        app.state.bsn_hash_secret = resolved.bsn_hash_secret
        await runtime.start()
        try:
            async with holds.lifting_due_holds(
                runtime.database,
                every_seconds=resolved.hold_lift_seconds,
                batch_size=resolved.hold_lift_batch_size,
            ):
                yield
        finally:
            await runtime.stop()

    app = create_service_app(
        title="Cases",
        description="Cases of applications and re-examinations: lists, details, overview counts.",
        lifespan=lifespan,
    )
    # Reporting before the case file: `/cases/export.csv` is not a `/cases/{case_id}`.
    app.include_router(reporting_router)
    app.include_router(casefile_router)
    app.include_router(handling_router)
    app.include_router(worklist_router)
    return app
