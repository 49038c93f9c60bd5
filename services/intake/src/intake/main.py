"""The intake service: app factory and lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from contracts.gezondverzekerd import EXCHANGE, ROUTING_KEY
from contracts.organisations import MunicipalityRegistered
from intake import handlers
from intake.api import router
from intake.imports.api import router as imports_router
from intake.imports.worker import ImportWorker
from intake.settings import IntakeSettings
from servicekit.http import create_service_app
from servicekit.logs import configure_logging
from servicekit.runtime import ServiceRuntime
from servicekit.tenants import consume_tenants


def build_runtime(settings: IntakeSettings) -> ServiceRuntime:
    """The database, the bus and the consumers, each registered explicitly."""
    runtime = ServiceRuntime(settings)
    runtime.consumer("website").on_raw_batch(
        exchange=EXCHANGE,
        routing_key=ROUTING_KEY,
        handler=handlers.website_applications(max_body_bytes=settings.max_body_bytes),
    )
    runtime.consumer("organisations").on(MunicipalityRegistered, handlers.municipality_registered)
    # The licences, for the re-examination import (Feature.RE_EXAMINATIONS).
    consume_tenants(runtime)
    return runtime


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    config = settings or IntakeSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service=config.service_name, level=config.log_level)
        runtime = build_runtime(config)
        app.state.runtime = runtime
        worker = ImportWorker(database=runtime.database, settings=config)
        app.state.import_worker = worker
        await runtime.start()
        # Resumes imports left in `processing` (e.g. by a crash) and runs new ones.
        imports = asyncio.create_task(worker.run(), name="re-examination-imports")
        try:
            yield
        finally:
            imports.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await imports
            await runtime.stop()

    app = create_service_app(
        title="Intake service",
        description="Applications from the GezondVerzekerd website and the quarantine of bad input.",
        lifespan=lifespan,
    )
    app.state.settings = config
    app.state.internal_token_secret = config.internal_token_secret
    app.include_router(router)
    app.include_router(imports_router)
    return app
