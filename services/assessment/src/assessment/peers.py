"""Calls to the documents service's internal API (INTEGRATION.md), in one place so a shared
`servicekit.peers` helper can replace it: httpx, a timeout, the system principal's token."""

from __future__ import annotations

import uuid

import httpx
from pydantic import BaseModel

from servicekit.auth import TOKEN_HEADER, issue_token, system_principal
from servicekit.tracing import send_traceparent


class DocumentsUnavailableError(Exception):
    """Not stored now (down, timed out, the case not known there yet): try again later."""


class StoredDocument(BaseModel):
    id: uuid.UUID
    sha256: str


class DocumentsClient:
    def __init__(self, *, base_url: str, token_secret: str, timeout_seconds: float) -> None:
        self._secret = token_secret
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 3.0)),
            trust_env=False,
            follow_redirects=False,
            event_hooks={"request": [send_traceparent]},  # the trace continues in documents
        )

    async def store(
        self,
        *,
        case_id: uuid.UUID,
        content: bytes,
        file_name: str,
        content_type: str,
        kind: str,
        purpose: str,
        idempotency_key: str,
    ) -> StoredDocument:
        """`POST /cases/{case_id}/documents`; the same key twice returns the first document."""
        token = issue_token(system_principal("assessment"), secret=self._secret)
        try:
            response = await self._client.post(
                f"/cases/{case_id}/documents",
                files={"file": (file_name, content, content_type)},
                data={"kind": kind, "purpose": purpose, "idempotency_key": idempotency_key},
                headers={TOKEN_HEADER: token},
            )
        except httpx.HTTPError as error:
            raise DocumentsUnavailableError(type(error).__name__) from None
        if response.status_code not in (200, 201):
            raise DocumentsUnavailableError(f"documents answered {response.status_code}")
        return StoredDocument.model_validate_json(response.content)

    async def of_case(self, case_id: uuid.UUID) -> set[uuid.UUID]:
        """The ids of the case's documents, as the documents service knows them now (its
        listing is in its access log, as the system's)."""
        token = issue_token(system_principal("assessment"), secret=self._secret)
        try:
            response = await self._client.get(
                f"/cases/{case_id}/documents", headers={TOKEN_HEADER: token}
            )
        except httpx.HTTPError as error:
            raise DocumentsUnavailableError(type(error).__name__) from None
        if response.status_code != 200:
            raise DocumentsUnavailableError(f"documents answered {response.status_code}")
        return {StoredDocument.model_validate(item).id for item in response.json()["items"]}

    async def close(self) -> None:
        await self._client.aclose()
