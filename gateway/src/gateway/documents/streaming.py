"""Forwarding to the documents service streamed both ways: the request body is passed on as
it arrives (never held whole), the answer is passed back chunk by chunk.

Never logs a path: the portal's paths carry the resident's token.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Sequence

import httpx
import structlog
from fastapi import Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.background import BackgroundTask

from gateway.proxy import Downstream, relay_chunks, unreachable
from servicekit.auth import TOKEN_HEADER, Principal, issue_token
from servicekit.http import CORRELATION_HEADER, correlation_id_of

log = structlog.get_logger(__name__)

PASSED_BACK = (
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


class BodyTooLargeError(Exception):
    pass


async def limited(request: Request, limit: int) -> AsyncIterator[bytes]:
    """The request body as it arrives, cut off once it passes `limit` bytes."""
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError
        yield chunk


def body_headers(request: Request) -> dict[str, str]:
    headers = {}
    for name in ("content-type", "content-length", "accept"):
        if name in request.headers:
            headers[name] = request.headers[name]
    return headers


async def relay(
    request: Request,
    downstream: Downstream,
    *,
    principal: Principal,
    token_secret: str,
    token_ttl_seconds: int,
    method: str,
    path: str,
    read_timeout: httpx.Timeout,
    params: Sequence[tuple[str, str]] = (),
    content: AsyncIterable[bytes] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Send the request to the service and stream its answer back (503/504 when it cannot)."""
    token = issue_token(principal, secret=token_secret, ttl_seconds=token_ttl_seconds)
    outgoing = downstream.client.build_request(
        method,
        path,
        params=list(params),
        content=content,
        headers={
            **(headers or {}),
            TOKEN_HEADER: token,
            CORRELATION_HEADER: correlation_id_of(request),
        },
        timeout=read_timeout,
    )
    try:
        upstream = await downstream.client.send(outgoing, stream=True)
    except httpx.TimeoutException as error:
        if isinstance(error, httpx.ConnectTimeout):
            return unreachable(downstream.name)
        log.warning("gateway.documents.timeout", service=downstream.name, method=method)
        return JSONResponse(
            {"detail": f"De {downstream.name}-service reageerde niet op tijd; probeer het later"},
            status_code=504,
        )
    except httpx.TransportError:
        return unreachable(downstream.name)
    passed = {name: upstream.headers[name] for name in PASSED_BACK if name in upstream.headers}
    return StreamingResponse(
        relay_chunks(upstream, service=downstream.name),
        status_code=upstream.status_code,
        headers=passed,
        background=BackgroundTask(upstream.aclose),
    )
