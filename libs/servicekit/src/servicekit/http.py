"""The HTTP shell every service shares: health, readiness, metrics, correlation ids, errors."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from typing import Annotated, Any

import structlog
from fastapi import Depends, FastAPI, HTTPException, Request, Response, status
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit import parking_api
from servicekit.auth import public
from servicekit.cursors import InvalidCursorError
from servicekit.logs import correlation, new_correlation_id
from servicekit.metrics import REQUEST_SECONDS
from servicekit.runtime import ServiceRuntime
from servicekit.tenants import LicenceRefusedError
from servicekit.tracing import TRACEPARENT_HEADER, span

CORRELATION_HEADER = "X-Correlation-ID"

log = structlog.get_logger(__name__)


def create_service_app(
    *,
    title: str,
    description: str,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]],
    readiness_info: Callable[[Request], Awaitable[dict[str, Any]]] | None = None,
    builtin_docs: bool = True,
    parked_messages: bool = True,
) -> FastAPI:
    """The app with the shared routes; `readiness_info` adds facts to `/health/ready`
    (under `info`) that are reported but do not decide readiness, e.g. a peer's reachability.
    Without `builtin_docs` there is no FastAPI `/docs` and `/redoc` (their scripts come from
    a CDN); the caller serves its own, or none. With `parked_messages` the app serves the
    operators' routes of its parked messages (`servicekit.parking_api`): every service with
    consumers; not an app that consumes nothing (the gateway).
    """
    app = FastAPI(
        title=title,
        description=description,
        version="1",
        lifespan=lifespan,
        docs_url="/docs" if builtin_docs else None,
        redoc_url="/redoc" if builtin_docs else None,
    )

    app.add_middleware(TraceAndTime)

    @app.exception_handler(405)
    async def method_not_allowed(request: Request, _: Exception) -> JSONResponse:
        allowed = allowed_methods(request.app, request.url.path)
        return JSONResponse(
            {"detail": "Method Not Allowed"},
            status_code=405,
            headers={"Allow": ", ".join(allowed)},
        )

    @app.exception_handler(InvalidCursorError)
    async def invalid_cursor(_: Request, error: InvalidCursorError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=400)

    @app.exception_handler(LicenceRefusedError)
    async def licence_refused(_: Request, error: LicenceRefusedError) -> JSONResponse:
        return JSONResponse(
            {"detail": str(error), "licence": error.tenant.licence.value, "feature": error.feature},
            status_code=403,
        )

    probe = [Depends(public("health probe of the orchestrator; says nothing about data"))]

    @app.get("/health/live", tags=["operations"], dependencies=probe)
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/health/ready", tags=["operations"], dependencies=probe)
    async def ready(request: Request) -> JSONResponse:
        runtime: ServiceRuntime = request.app.state.runtime
        checks = await runtime.ready()
        ok = all(checks.values())
        body: dict[str, Any] = {"ready": ok, "checks": checks}
        if readiness_info is not None:
            body["info"] = await readiness_info(request)
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.put(
        "/testing/clock",
        tags=["operations"],
        include_in_schema=False,
        dependencies=[Depends(public("tests only: 404 outside BACKOFFICE_ENVIRONMENT=test"))],
    )
    async def move_clock(request: Request, body: ClockOffset) -> dict[str, float]:
        """Tests only: move this process's clock (404 outside `BACKOFFICE_ENVIRONMENT=test`)."""
        runtime: ServiceRuntime = request.app.state.runtime
        if runtime.settings.environment != "test":
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
        runtime.clock.set_offset(timedelta(seconds=body.offset_seconds))
        return {"offset_seconds": runtime.clock.offset.total_seconds()}

    @app.get(
        "/metrics",
        tags=["operations"],
        include_in_schema=False,
        dependencies=[Depends(public("Prometheus scrape; counters only, no personal data"))],
    )
    async def metrics(request: Request) -> Response:
        refresh = getattr(getattr(request.app.state, "runtime", None), "refresh_gauges", None)
        if refresh is not None:
            await refresh()
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    if parked_messages:
        app.include_router(parking_api.router)
    return app


class ClockOffset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offset_seconds: float = Field(ge=0, le=10 * 365 * 86400)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method the app serves at `path` (RFC 9110's `Allow`): Starlette names only the
    first route that matched the path, not the others at the same path."""
    methods: set[str] = set()
    for context in iter_route_contexts(app.routes):
        pattern = getattr(context, "path_regex", None)
        if pattern is not None and pattern.match(path):
            methods |= set(getattr(context, "methods", None) or ())
    return sorted(methods)


class TraceAndTime:
    """Bind the correlation id and the W3C trace (continued from `traceparent`, else new) to
    the request's log lines, and time the answer by route template.

    Plain ASGI, not Starlette's `BaseHTTPMiddleware`: that one runs the route in a task of its
    own and passes every body chunk through a memory stream, a cost per chunk that uploads and
    downloads of many megabytes pay thousands of times."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        correlation_id = request.headers.get(CORRELATION_HEADER) or new_correlation_id()
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        started = time.perf_counter()
        status_class = "5xx"

        async def send_with_correlation(message: Message) -> None:
            nonlocal status_class
            if message["type"] == "http.response.start":
                status_class = f"{message['status'] // 100}xx"
                MutableHeaders(scope=message)[CORRELATION_HEADER] = correlation_id
            await send(message)

        with (
            correlation(correlation_id),
            span(
                request.method,
                traceparent=request.headers.get(TRACEPARENT_HEADER) or "",
                kind="server",
                attributes={"http.request.method": request.method},
            ) as request_span,
        ):
            try:
                await self.app(scope, receive, send_with_correlation)
            except BaseException:
                status_class = "5xx"
                raise
            finally:
                route = route_template(request)
                REQUEST_SECONDS.labels(
                    service_name(request), request.method, route, status_class
                ).observe(time.perf_counter() - started)
                request_span.rename(f"{request.method} {route}")
                request_span.set_attribute("http.route", route)
                if status_class == "5xx":
                    request_span.failed()


def route_template(request: Request) -> str:
    """The matched route's path template (`/cases/{case_id}`), never the raw path: a label per
    case would be unbounded and could hold personal data. `unmatched` when no route matched."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


def service_name(request: Request) -> str:
    """The service answering: its runtime's (set in the lifespan), `unknown` without one."""
    settings = getattr(getattr(request.app.state, "runtime", None), "settings", None)
    name = getattr(settings, "service_name", None)
    return name if isinstance(name, str) else "unknown"


def correlation_id_of(request: Request) -> str:
    value = getattr(request.state, "correlation_id", None)
    return value if isinstance(value, str) else new_correlation_id()


async def _transaction(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's transaction: committed when the route returns, before the response."""
    runtime: ServiceRuntime = request.app.state.runtime
    async with runtime.database.transaction() as session:
        yield session


DbSession = Annotated[AsyncSession, Depends(_transaction, scope="function")]
