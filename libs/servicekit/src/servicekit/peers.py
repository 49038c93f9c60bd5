"""Calling another service's internal HTTP API, with a fresh internal token per request.

A service that needs another (correspondence storing a letter PDF in documents, assessment
storing an Ockto source document) makes one `Peer` per service it calls, in its lifespan, and
closes it when the lifespan ends:

    async with Peer(settings.documents_url, service_name="correspondence",
                    secret=settings.internal_token_secret) as documents:
        app.state.documents = documents
        yield

    response = await documents.request("POST", "/documents", json=..., correlation_id=...)

Each request carries a token signed for `system_principal(service_name)` (role `system`), or
for `on_behalf_of` when the call acts for the staff member whose request is being handled, so
the called service checks its own permission table as for any caller. The correlation id
and the W3C `traceparent` of the current trace travel along; a peer that cannot be reached or answers too late raises `PeerUnavailableError`
(the caller decides: retry from the outbox, answer 503, ...). Any HTTP answer, error statuses
included, is returned as it is.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

import httpx
import structlog

from servicekit.auth import TOKEN_HEADER, Principal, issue_token, system_principal
from servicekit.http import CORRELATION_HEADER
from servicekit.logs import new_correlation_id
from servicekit.tls import client_tls_context
from servicekit.tracing import TRACEPARENT_HEADER, current_traceparent

log = structlog.get_logger(__name__)


class PeerUnavailableError(Exception):
    """The peer could not be reached, or did not answer in time."""

    def __init__(self, peer: str, reason: str) -> None:
        super().__init__(f"{peer}: {reason}")
        self.peer = peer
        self.reason = reason


class Peer:
    """Another service's internal API, called as this service (role `system`)."""

    def __init__(
        self,
        base_url: str,
        *,
        service_name: str,
        secret: str,
        name: str | None = None,
        timeout_seconds: float = 10.0,
        connect_timeout_seconds: float = 2.0,
        token_ttl_seconds: int = 60,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """`service_name`: who calls (the token's subject `service:<name>`); `name`: the peer,
        for logs and errors (default: its URL); `transport`: e.g. an ASGI app in tests."""
        self.name = name or base_url
        self.principal = system_principal(service_name)
        self._secret = secret
        self._token_ttl_seconds = token_ttl_seconds
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout_seconds, connect=connect_timeout_seconds),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            follow_redirects=False,
            trust_env=False,
            verify=client_tls_context(),
            transport=transport,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    def headers(
        self, *, correlation_id: str | None = None, on_behalf_of: Principal | None = None
    ) -> dict[str, str]:
        """The token, correlation and trace headers of one call."""
        token = issue_token(
            on_behalf_of or self.principal,
            secret=self._secret,
            ttl_seconds=self._token_ttl_seconds,
        )
        headers = {TOKEN_HEADER: token, CORRELATION_HEADER: correlation_id or new_correlation_id()}
        traceparent = current_traceparent()
        if traceparent is not None:
            headers[TRACEPARENT_HEADER] = traceparent
        return headers

    async def request(
        self,
        method: str,
        path: str,
        *,
        correlation_id: str | None = None,
        on_behalf_of: Principal | None = None,
        params: Any = None,
        json: Any = None,
        content: bytes | None = None,
        files: Any = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
        timeout_seconds: float | None = None,
    ) -> httpx.Response:
        """Call the peer; the answer as it came, or PeerUnavailableError."""
        try:
            return await self._client.request(
                method,
                path,
                params=params,
                json=json,
                content=content,
                files=files,
                data=data,
                headers={
                    **(headers or {}),
                    **self.headers(correlation_id=correlation_id, on_behalf_of=on_behalf_of),
                },
                timeout=httpx.USE_CLIENT_DEFAULT
                if timeout_seconds is None
                else httpx.Timeout(timeout_seconds, connect=self._client.timeout.connect),
            )
        except httpx.TimeoutException as error:
            log.warning("servicekit.peer.timeout", peer=self.name, method=method)
            raise PeerUnavailableError(self.name, "no answer in time") from error
        except httpx.TransportError as error:
            log.warning("servicekit.peer.unreachable", peer=self.name, method=method)
            raise PeerUnavailableError(self.name, "not reachable") from error
