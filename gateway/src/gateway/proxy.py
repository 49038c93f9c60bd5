"""Generic forwarding to a backend service with a fresh internal token.

The service receives the Principal (never the API key), the correlation id, the method, path,
query string and body; the caller gets the service's status, JSON body and content type.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, fields
from typing import Annotated

import httpx
import structlog
from fastapi import Depends, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.background import BackgroundTask

from gateway.settings import GatewaySettings
from servicekit.auth import TOKEN_HEADER, Principal, issue_token
from servicekit.http import CORRELATION_HEADER
from servicekit.tls import client_tls_context
from servicekit.tracing import send_traceparent

log = structlog.get_logger(__name__)

_FORWARDED_RESPONSE_HEADERS = (
    "content-type",
    "retry-after",
    "content-disposition",
    "x-letter-count",
)

STREAMED_BACK = (
    "content-type",
    "content-length",
    "content-disposition",
    "content-security-policy",
    "cache-control",
    "location",
    "referrer-policy",
    "permissions-policy",
    "x-content-type-options",
    "x-frame-options",
    "x-content-sha256",
    "repr-digest",
    "retry-after",
)
"""The headers a streamed answer keeps (`Downstream.relay`)."""


class Downstream:
    """One backend service behind the gateway (its client is made in the app's lifespan)."""

    def __init__(
        self,
        *,
        name: str,
        client: httpx.AsyncClient,
        token_secret: str,
        token_ttl_seconds: int,
        probe_timeout_seconds: float,
    ) -> None:
        self.name = name
        self.client = client
        self._token_secret = token_secret
        self._token_ttl_seconds = token_ttl_seconds
        self._probe_timeout_seconds = probe_timeout_seconds

    async def forward(
        self,
        *,
        method: str,
        path: str,
        principal: Principal,
        correlation_id: str,
        params: Sequence[tuple[str, str]] = (),
        content: bytes | AsyncIterable[bytes] | None = None,
        headers: dict[str, str] | None = None,
        timeout_seconds: float | None = None,
    ) -> Response:
        """Call the service and answer with what it answered (503/504 when it cannot).

        `content` may be a stream (passed on as it arrives); `timeout_seconds` overrides the client's.
        """
        try:
            upstream = await self.client.request(
                method,
                path,
                params=list(params),
                content=content,
                headers=self._headers(principal, correlation_id, headers),
                timeout=(
                    httpx.USE_CLIENT_DEFAULT
                    if timeout_seconds is None
                    else httpx.Timeout(timeout_seconds, connect=self.client.timeout.connect)
                ),
            )
        except httpx.TimeoutException as error:
            if isinstance(error, httpx.ConnectTimeout):
                return self._unreachable(path)
            return self._timed_out(method)
        except httpx.TransportError:
            return self._unreachable(path)
        forwarded = {
            name: upstream.headers[name]
            for name in _FORWARDED_RESPONSE_HEADERS
            if name in upstream.headers
        }
        return Response(upstream.content, status_code=upstream.status_code, headers=forwarded)

    async def relay(
        self,
        *,
        method: str,
        path: str,
        principal: Principal,
        correlation_id: str,
        read_timeout: httpx.Timeout,
        params: Sequence[tuple[str, str]] = (),
        content: AsyncIterable[bytes] | None = None,
        headers: dict[str, str] | None = None,
        passed_back: Sequence[str] = STREAMED_BACK,
    ) -> Response:
        """Call the service and stream its answer back as it arrives, with the `passed_back`
        headers (503/504 when it cannot). Never logs the path: the residents' portal paths
        carry their token."""
        outgoing = self.client.build_request(
            method,
            path,
            params=list(params),
            content=content,
            headers=self._headers(principal, correlation_id, headers),
            timeout=read_timeout,
        )
        try:
            upstream = await self.client.send(outgoing, stream=True)
        except httpx.TimeoutException as error:
            if isinstance(error, httpx.ConnectTimeout):
                return unreachable(self.name)
            return self._timed_out(method)
        except httpx.TransportError:
            return unreachable(self.name)
        passed = {name: upstream.headers[name] for name in passed_back if name in upstream.headers}
        return StreamingResponse(
            relay_chunks(upstream, service=self.name),
            status_code=upstream.status_code,
            headers=passed,
            background=BackgroundTask(upstream.aclose),
        )

    def _headers(
        self, principal: Principal, correlation_id: str, headers: dict[str, str] | None
    ) -> dict[str, str]:
        token = issue_token(
            principal, secret=self._token_secret, ttl_seconds=self._token_ttl_seconds
        )
        return {**(headers or {}), TOKEN_HEADER: token, CORRELATION_HEADER: correlation_id}

    def _timed_out(self, method: str) -> JSONResponse:
        log.warning("gateway.downstream.timeout", service=self.name, method=method)
        return JSONResponse(
            {"detail": f"De {self.name}-service reageerde niet op tijd; probeer het later"},
            status_code=504,
        )

    def _unreachable(self, path: str) -> JSONResponse:
        return unreachable(self.name, path=path)

    async def reachable(self) -> bool:
        """Whether the service answers its liveness check (for the gateway's readiness)."""
        try:
            response = await self.client.get("/health/live", timeout=self._probe_timeout_seconds)
        except httpx.HTTPError:
            return False
        return response.status_code == 200


def make_client(base_url: str, *, connect_timeout: float, timeout: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(timeout, connect=connect_timeout),
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        follow_redirects=False,
        trust_env=False,
        verify=client_tls_context(),
        # The service continues the request's trace (W3C traceparent), so one trace id runs
        # from the gateway through the service, its outbox and the consumers of its events.
        event_hooks={"request": [send_traceparent]},
    )


@dataclass(frozen=True)
class Downstreams:
    """The services behind the gateway, one `Downstream` each (in `app.state.downstreams`)."""

    cases: Downstream
    intake: Downstream
    documents: Downstream
    assessment: Downstream
    correspondence: Downstream

    def by_name(self) -> dict[str, Downstream]:
        """Every service behind the gateway, by its name."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


@asynccontextmanager
async def open_downstreams(settings: GatewaySettings) -> AsyncIterator[Downstreams]:
    """One client per service for the app's lifetime, closed when it stops."""
    async with AsyncExitStack() as stack:
        downstreams = {
            name: Downstream(
                name=name,
                client=await stack.enter_async_context(
                    make_client(
                        url,
                        connect_timeout=settings.downstream_connect_timeout_seconds,
                        timeout=settings.downstream_timeout_seconds,
                    )
                ),
                token_secret=settings.internal_token_secret,
                token_ttl_seconds=settings.internal_token_ttl_seconds,
                probe_timeout_seconds=settings.downstream_probe_timeout_seconds,
            )
            for name, url in (
                ("cases", settings.cases_url),
                ("intake", settings.intake_url),
                ("documents", settings.documents_url),
                ("assessment", settings.assessment_url),
                ("correspondence", settings.correspondence_url),
            )
        }
        yield Downstreams(**downstreams)


def downstreams_of(request: Request) -> Downstreams:
    downstreams: Downstreams = request.app.state.downstreams
    return downstreams


Services = Annotated[Downstreams, Depends(downstreams_of)]
"""The services, for a route that forwards to them."""


def unreachable(service: str, *, path: str | None = None) -> JSONResponse:
    """503 in Dutch when a service does not answer; the caller may try again in a moment."""
    log.warning("gateway.downstream.unreachable", service=service, path=path)
    return JSONResponse(
        {"detail": f"De {service}-service is niet bereikbaar; probeer het later"},
        status_code=503,
        headers={"Retry-After": "5"},
    )


async def relay_chunks(upstream: httpx.Response, *, service: str) -> AsyncIterator[bytes]:
    """A streamed answer passed on as it comes; closed whatever happens."""
    try:
        async for chunk in upstream.aiter_raw():
            yield chunk
    except httpx.HTTPError:
        # Headers are out already: all that is left is to end the response short.
        log.warning("gateway.downstream.interrupted", service=service)
        raise
    finally:
        await upstream.aclose()
