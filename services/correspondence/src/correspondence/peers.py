"""Calls to the documents service's internal API (the one service we call over HTTP).

Kept in one module so the coming `servicekit.peers` helper can replace it. Every call carries
a short-lived `system` token and an idempotency key, so a retry has no second effect.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import httpx

from servicekit.auth import TOKEN_HEADER, issue_token, system_principal


class DocumentsUnavailableError(RuntimeError):
    """The documents service cannot take it now (down, slow, or does not know the case yet)."""


@dataclass(frozen=True)
class UploadLink:
    id: uuid.UUID
    url: str
    expires_at: datetime


class Documents:
    def __init__(self, *, base_url: str | None, secret: str, timeout_seconds: float) -> None:
        self.configured = base_url is not None
        self._secret = secret
        self._client = httpx.AsyncClient(
            base_url=base_url or "http://documents.invalid",
            timeout=timeout_seconds,
            trust_env=False,
        )

    def _headers(self) -> dict[str, str]:
        token = issue_token(system_principal("correspondence"), secret=self._secret)
        return {TOKEN_HEADER: token}

    async def close(self) -> None:
        await self._client.aclose()

    async def _post(self, path: str, **kwargs: object) -> httpx.Response:
        try:
            response = await self._client.post(path, headers=self._headers(), **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as error:
            raise DocumentsUnavailableError(f"documents: {type(error).__name__}") from error
        if response.status_code == 404 or response.status_code >= 500:
            raise DocumentsUnavailableError(f"documents answered {response.status_code}")
        if response.status_code >= 400:
            raise RuntimeError(f"documents refused ({response.status_code}): {response.text[:300]}")
        return response

    async def store_letter(
        self, *, case_id: uuid.UUID, letter_id: uuid.UUID, pdf: bytes, file_name: str
    ) -> uuid.UUID:
        """Archive a letter's PDF; the letter id is the idempotency key (a repeat: 200, same id)."""
        response = await self._post(
            f"/cases/{case_id}/documents",
            files={"file": (file_name, pdf, "application/pdf")},
            data={"kind": "letter", "purpose": "letter", "idempotency_key": str(letter_id)},
        )
        return uuid.UUID(response.json()["id"])

    async def upload_link(
        self,
        *,
        case_id: uuid.UUID,
        purpose: str,
        expires_at: datetime,
        message: str,
        idempotency_key: str,
    ) -> UploadLink:
        response = await self._post(
            f"/cases/{case_id}/upload-links",
            json={
                "purpose": purpose,
                "expires_at": expires_at.isoformat(),
                "message": message,
                "idempotency_key": idempotency_key,
            },
        )
        body = response.json()
        return UploadLink(
            id=uuid.UUID(body["id"]),
            url=body["url"],
            expires_at=datetime.fromisoformat(body["expires_at"]),
        )
