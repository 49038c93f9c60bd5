"""What a streamed call to the documents service passes on of the request's own headers.

The streaming itself is `Downstream.relay` (`gateway.proxy`); it never logs a path, since the
portal's paths carry the resident's token.
"""

from __future__ import annotations

from fastapi import Request


def body_headers(request: Request) -> dict[str, str]:
    headers = {}
    for name in ("content-type", "content-length", "accept"):
        if name in request.headers:
            headers[name] = request.headers[name]
    return headers
