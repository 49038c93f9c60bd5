"""The assessment service: app factory and lifespan (everything is built in the lifespan)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from assessment import handlers
from assessment.advice.api import router as advice_router
from assessment.crypto import Keyring
from assessment.decisions.api import router as decisions_router
from assessment.deps import Parts
from assessment.filecheck.api import router as filecheck_router
from assessment.manual.api import router as manual_router
from assessment.ockto.api import router as ockto_router
from assessment.ockto.client import OcktoClient
from assessment.ockto.service import SESSIONS_REQUESTED
from assessment.parameters.api import router as parameters_router
from assessment.peers import DocumentsClient
from assessment.settings import AssessmentSettings
from assessment.workers import Workers, running
from contracts.organisations import MunicipalityRegistered
from servicekit.http import create_service_app
from servicekit.logs import configure_logging
from servicekit.runtime import ServiceRuntime
from servicekit.tenants import consume_tenants


def keyring_of(settings: AssessmentSettings) -> Keyring:
    return Keyring.parse(settings.package_keys, active=settings.package_key_id)


def build_runtime(settings: AssessmentSettings) -> ServiceRuntime:
    """The database, the bus and the consumers, each registered explicitly."""
    runtime = ServiceRuntime(settings)
    on = handlers.Handlers(
        clock=runtime.clock, keyring=keyring_of(settings), bsn_secret=settings.bsn_hash_secret
    )
    consume_tenants(runtime)
    runtime.consumer("organisations").on(MunicipalityRegistered, on.municipality_registered)
    runtime.consumer("cases").on_batch(handlers.CASE_EVENTS, on.case_events)
    runtime.consumer("documents").on_batch(handlers.DOCUMENT_EVENTS, on.document_events)
    return runtime


def create_app(settings: AssessmentSettings | None = None) -> FastAPI:
    config = settings or AssessmentSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service=config.service_name, level=config.log_level)
        async with AsyncExitStack() as stack:
            runtime = build_runtime(config)
            ockto = OcktoClient(
                base_url=config.ockto_api_url,
                api_key=config.ockto_api_key,
                timeout_seconds=config.ockto_timeout_seconds,
            )
            stack.push_async_callback(ockto.close)
            documents = DocumentsClient(
                base_url=config.documents_url,
                token_secret=config.internal_token_secret,
                timeout_seconds=config.documents_timeout_seconds,
            )
            stack.push_async_callback(documents.close)
            parts = Parts(runtime=runtime, settings=config, keyring=keyring_of(config), ockto=ockto)
            workers = Workers(parts, documents)

            def wake_session_starter(session: Session) -> None:
                if session.info.pop(SESSIONS_REQUESTED, False):
                    workers.session_starter.wake()

            sa_event.listen(runtime.database.session_class, "after_commit", wake_session_starter)
            app.state.runtime = runtime
            app.state.parts = parts
            app.state.workers = workers
            app.state.documents = documents
            stack.push_async_callback(runtime.stop)
            await runtime.start()
            await stack.enter_async_context(running(workers))
            yield

    app = create_service_app(
        title="Assessment service",
        description="Parameters per municipality, data through Ockto, the advice and the decision.",
        lifespan=lifespan,
    )
    app.state.settings = config
    app.state.internal_token_secret = config.internal_token_secret
    for router in (
        parameters_router,
        ockto_router,
        manual_router,
        advice_router,
        decisions_router,
        filecheck_router,
    ):
        app.include_router(router)
    return app
