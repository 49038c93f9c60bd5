"""Route bodies of the public API that pass a request on to the service that owns it.

Each route keeps its own declaration (path, summary, response documentation) for the OpenAPI
document; its body names the service and the service's path, and `pass_on` does the rest.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable

from fastapi import HTTPException, Request, Response, status

from gateway.proxy import Downstream
from servicekit.auth import Principal
from servicekit.http import correlation_id_of


async def pass_on(
    request: Request,
    downstream: Downstream,
    principal: Principal,
    *,
    path: str,
    method: str = "GET",
    query: bool = True,
    content: bytes | AsyncIterable[bytes] | None = None,
    headers: dict[str, str] | None = None,
    timeout_seconds: float | None = None,
) -> Response:
    """Forward to `downstream` at `path` for `principal`, with the query string unless `query`
    is false, and answer with what the service answered."""
    return await downstream.forward(
        method=method,
        path=path,
        principal=principal,
        correlation_id=correlation_id_of(request),
        params=request.query_params.multi_items() if query else (),
        content=content,
        headers=headers,
        timeout_seconds=timeout_seconds,
    )


async def read_body(request: Request, *, limit: int) -> bytes:
    """The raw body, refused with 413 as soon as it is larger than `limit` bytes."""
    too_large = HTTPException(
        status.HTTP_413_CONTENT_TOO_LARGE, f"de aanvraag is groter dan {limit // 1024} KiB"
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def content_type(request: Request) -> dict[str, str]:
    """The request's `Content-Type` as a header to pass on (none when it has none)."""
    value = request.headers.get("content-type")
    return {"Content-Type": value} if value else {}


class BodyTooLargeError(Exception):
    """The request body passed its limit while it was being passed on."""


async def limited(request: Request, limit: int) -> AsyncIterator[bytes]:
    """The request body as it arrives, cut off once it passes `limit` bytes."""
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError
        yield chunk


async def stream_on(
    request: Request,
    downstream: Downstream,
    principal: Principal,
    *,
    path: str,
    limit: int,
    headers: dict[str, str],
    timeout_seconds: float,
    too_large: Callable[[], Response],
) -> Response:
    """POST an upload to `downstream` as it arrives (never held whole), answered with
    `too_large()` once it is larger than `limit` bytes, declared or counted."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return too_large()
    if declared.isdigit():
        headers = {**headers, "Content-Length": declared}
    try:
        return await pass_on(
            request,
            downstream,
            principal,
            method="POST",
            path=path,
            query=False,
            content=limited(request, limit),
            headers=headers,
            timeout_seconds=timeout_seconds,
        )
    except BodyTooLargeError:
        return too_large()
