"""Headers on every answer of the public API (`/api/`): they hold personal data (names, BSNs,
incomes), so no cache may keep them, no browser may guess their type, and none may render
or frame them as a page. The staff UI's own headers are `gateway.ui.web.SecurityHeaders`.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIX = "/api/"
API_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
)
_REPLACED = frozenset(name for name, _ in API_HEADERS)


class ApiHeaders:
    """Sets `API_HEADERS` on `/api/` answers, replacing what a service or a route sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in _REPLACED
                ]
                message = {**message, "headers": [*headers, *API_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
