"""The documents service: app factory and lifespan (everything is built in the lifespan)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.requests import ClientDisconnect

from contracts.cases import CaseOpened, CaseStatusChanged
from documents import handlers
from documents.files.api import router as files_router
from documents.files.receiving import FormError
from documents.files.storing import Storing
from documents.links.api import router as links_router
from documents.portal.api import router as portal_router
from documents.portal.pages import STATIC, Pages
from documents.retention.api import router as retention_router
from documents.retention.sweeper import Sweeper, sweeping
from documents.safety.errors import RefusedFileError, ScannerUnavailableError
from documents.safety.scanner import ClamdScanner
from documents.safety.service import Inspector, Policy
from documents.settings import DocumentsSettings
from documents.storage.objects import ObjectStore, StorageUnavailableError
from servicekit.http import create_service_app
from servicekit.logs import configure_logging
from servicekit.runtime import ServiceRuntime
from servicekit.tenants import consume_tenants

log = structlog.get_logger(__name__)

STORAGE_UNAVAILABLE = (
    "De opslag van documenten is tijdelijk niet bereikbaar; er is niets opgeslagen. "
    "Probeer het later opnieuw."
)
SCANNER_UNAVAILABLE = (
    "De virusscan is tijdelijk niet beschikbaar; er is niets opgeslagen. Probeer het later opnieuw."
)


def build_runtime(settings: DocumentsSettings) -> ServiceRuntime:
    """The database, the bus and the consumers, each registered explicitly."""
    runtime = ServiceRuntime(settings)
    cases = runtime.consumer("cases")
    cases.on(CaseOpened, handlers.case_opened)
    cases.on(CaseStatusChanged, handlers.case_status_changed)
    consume_tenants(runtime)
    return runtime


def build_store(settings: DocumentsSettings) -> ObjectStore:
    return ObjectStore(
        endpoint=settings.s3_endpoint,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key,
        region=settings.s3_region,
        buckets=(settings.evidence_bucket, settings.letters_bucket),
        part_bytes=settings.s3_part_bytes,
        timeout_seconds=settings.s3_timeout_seconds,
    )


def build_inspector(settings: DocumentsSettings) -> Inspector:
    scanner = (
        ClamdScanner(settings.clamd_url, timeout_seconds=settings.clamd_timeout_seconds)
        if settings.clamd_url
        else None
    )
    return Inspector(
        policy=Policy(
            max_file_bytes=settings.max_file_bytes,
            max_image_pixels=settings.max_image_pixels,
            max_docx_uncompressed_bytes=settings.max_docx_uncompressed_bytes,
        ),
        scanner=scanner,
        concurrency=settings.inspection_concurrency,
    )


async def _readiness_info(request: Request) -> dict[str, Any]:
    storing: Storing = request.app.state.storing
    scanner = storing.inspector.scanner
    storage, scan = await asyncio.gather(
        storing.objects.reachable(),
        scanner.reachable() if scanner is not None else asyncio.sleep(0, result=None),
    )
    return {"storage": storage, "virus_scanner": scan}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RefusedFileError)
    async def refused(_: Request, error: RefusedFileError) -> JSONResponse:
        return JSONResponse(
            {"detail": error.message, "reason": error.reason}, status_code=error.status_code
        )

    @app.exception_handler(FormError)
    async def bad_form(_: Request, error: FormError) -> JSONResponse:
        return JSONResponse({"detail": error.message}, status_code=error.status_code)

    @app.exception_handler(StorageUnavailableError)
    async def storage_down(_: Request, __: StorageUnavailableError) -> JSONResponse:
        return JSONResponse(
            {"detail": STORAGE_UNAVAILABLE}, status_code=503, headers={"Retry-After": "30"}
        )

    @app.exception_handler(ScannerUnavailableError)
    async def scanner_down(_: Request, __: ScannerUnavailableError) -> JSONResponse:
        return JSONResponse(
            {"detail": SCANNER_UNAVAILABLE}, status_code=503, headers={"Retry-After": "30"}
        )

    @app.exception_handler(ClientDisconnect)
    async def gone(_: Request, __: ClientDisconnect) -> Response:
        # Nothing was stored (the spool folder went with the request); nobody reads this.
        log.info("documents.upload.client_disconnected")
        return Response(status_code=400)


def create_app(settings: DocumentsSettings | None = None) -> FastAPI:
    """The documents service; nothing connects until the lifespan starts."""
    config = settings or DocumentsSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service=config.service_name, level=config.log_level)
        runtime = build_runtime(config)
        store = build_store(config)
        app.state.runtime = runtime
        app.state.pages = Pages()
        app.state.storing = Storing(
            database=runtime.database,
            store=store,
            inspector=build_inspector(config),
            settings=config,
            clock=runtime.clock,
        )
        sweeper = Sweeper(
            database=runtime.database, store=store, settings=config, clock=runtime.clock
        )
        app.state.sweeper = sweeper
        await runtime.start()
        try:
            await store.ensure_buckets()
        except StorageUnavailableError:
            log.warning("documents.storage.not_ready_at_start")  # retried on first use
        try:
            async with sweeping(sweeper):
                yield
        finally:
            await runtime.stop()
            store.close()

    app = create_service_app(
        title="Documents service",
        description="Uploaded and generated files of cases in object storage, checked and "
        "verified; residents' upload links and the upload portal.",
        lifespan=lifespan,
        readiness_info=_readiness_info,
    )
    app.state.settings = config
    app.state.internal_token_secret = config.internal_token_secret
    _install_error_handlers(app)
    app.include_router(files_router)
    app.include_router(links_router)
    app.include_router(retention_router)
    app.include_router(portal_router)
    app.mount("/inwoner/static", StaticFiles(directory=STATIC), name="portal-static")
    return app
