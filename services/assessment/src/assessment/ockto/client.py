"""The adapter's call to Ockto: start a data session for a case (our own interface, since
Ockto publishes none; the simulator in `libs/ockto_simulator` implements the other side).

`POST {ockto_api_url}/api/v1/sessions` with a bearer key and our session's id as the
idempotency key, so a retry after a crash gets the same session back, not a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import httpx
from pydantic import AwareDatetime, BaseModel, Field, ValidationError

from servicekit.tls import client_tls_context


class OcktoUnavailableError(Exception):
    """Ockto did not start the session (down, timed out, or refused): try again later."""


class StartedSession(BaseModel):
    session_id: str = Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")
    url: str = Field(max_length=2000)
    expires_at: AwareDatetime


@dataclass(frozen=True)
class PersonHint:
    """Who the session is for. A simulator-only hint: the real Ockto finds the persons itself
    after the resident logs in with DigiD."""

    role: str
    bsn: str
    date_of_birth: date


@dataclass(frozen=True)
class SessionRequest:
    reference: str
    purpose: str
    sources: tuple[str, ...]
    expires_at: datetime
    callback_url: str
    persons: tuple[PersonHint, ...]
    reference_date: date

    def body(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "purpose": self.purpose,
            "sources": list(self.sources),
            "expires_at": self.expires_at.isoformat(),
            "callback_url": self.callback_url,
            "hint": {
                "persons": [
                    {"role": p.role, "bsn": p.bsn, "date_of_birth": p.date_of_birth.isoformat()}
                    for p in self.persons
                ],
                "reference_date": self.reference_date.isoformat(),
            },
        }


class OcktoClient:
    def __init__(self, *, base_url: str, api_key: str, timeout_seconds: float) -> None:
        timeout = httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 3.0))
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            headers={"Authorization": f"Bearer {api_key}"},
            trust_env=False,
            verify=client_tls_context(),
            follow_redirects=False,
        )
        # Document links may point anywhere Ockto chooses: never send them our API key.
        self._downloads = httpx.AsyncClient(
            timeout=timeout, trust_env=False, verify=client_tls_context(), follow_redirects=False
        )

    async def start_session(self, request: SessionRequest) -> StartedSession:
        try:
            response = await self._client.post(
                "/api/v1/sessions",
                json=request.body(),
                headers={"Idempotency-Key": request.reference},
            )
        except httpx.HTTPError as error:
            raise OcktoUnavailableError(f"Ockto unreachable: {type(error).__name__}") from None
        if response.status_code not in (200, 201):
            raise OcktoUnavailableError(f"Ockto answered {response.status_code}")
        try:
            return StartedSession.model_validate_json(response.content)
        except ValidationError:
            raise OcktoUnavailableError("Ockto answered with an unexpected body") from None

    async def fetch_document(self, url: str, *, limit: int) -> tuple[bytes, str]:
        """A source document (the link works once); refused past `limit` bytes."""
        try:
            async with self._downloads.stream("GET", url) as response:
                if response.status_code != 200:
                    raise OcktoUnavailableError(f"the link answered {response.status_code}")
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise DocumentTooLargeError(limit)
                    chunks.append(chunk)
                content_type = response.headers.get("content-type", "application/octet-stream")
                return b"".join(chunks), content_type
        except httpx.HTTPError as error:
            raise OcktoUnavailableError(type(error).__name__) from None

    async def close(self) -> None:
        await self._client.aclose()
        await self._downloads.aclose()


class DocumentTooLargeError(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than {limit} bytes")
