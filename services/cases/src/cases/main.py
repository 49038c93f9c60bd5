"""The app factory: the lifespan builds the runtime (database, bus, relay, consumers)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from cases import handlers
from cases.api import router
from cases.settings import CasesSettings
from servicekit.http import create_service_app
from servicekit.logs import configure_logging
from servicekit.runtime import ServiceRuntime


def create_app(settings: CasesSettings | None = None) -> FastAPI:
    """The cases service; nothing connects until the lifespan starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resolved = settings or CasesSettings()
        configure_logging(service=resolved.service_name, level=resolved.log_level)
        runtime = ServiceRuntime(resolved)
        applications = runtime.consumer("applications")
        applications.on_batch(handlers.APPLICATION_REVISIONS, handlers.application_revisions)
        app.state.runtime = runtime
        app.state.internal_token_secret = resolved.internal_token_secret
        app.state.cursor_secret = resolved.cursor_secret
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = create_service_app(
        title="Cases",
        description="Cases of applications and re-examinations: lists, details, overview counts.",
        lifespan=lifespan,
    )
    app.include_router(router)
    return app
