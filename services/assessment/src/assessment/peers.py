"""Calls to the documents service's internal API (INTEGRATION.md), in one place so a shared
`servicekit.peers` helper can replace it: httpx, a timeout, the system principal's token."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from pydantic import BaseModel

from servicekit.auth import TOKEN_HEADER, issue_token, system_principal
from servicekit.tls import client_tls_context
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
            verify=client_tls_context(),
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
        response = await self._call(
            "POST",
            f"/cases/{case_id}/documents",
            accepted=(200, 201),
            files={"file": (file_name, content, content_type)},
            data={"kind": kind, "purpose": purpose, "idempotency_key": idempotency_key},
        )
        return StoredDocument.model_validate_json(response.content)

    async def of_case(self, case_id: uuid.UUID) -> set[uuid.UUID]:
        """The ids of the case's documents, as the documents service knows them now (its
        listing is in its access log, as the system's)."""
        response = await self._call("GET", f"/cases/{case_id}/documents", accepted=(200,))
        return {StoredDocument.model_validate(item).id for item in response.json()["items"]}

    async def _call(
        self, method: str, path: str, *, accepted: tuple[int, ...], **request: Any
    ) -> httpx.Response:
        """The request as the system's principal; `DocumentsUnavailableError` for no answer or
        an answer not `accepted`."""
        token = issue_token(system_principal("assessment"), secret=self._secret)
        try:
            response = await self._client.request(
                method, path, headers={TOKEN_HEADER: token}, **request
            )
        except httpx.HTTPError as error:
            raise DocumentsUnavailableError(type(error).__name__) from None
        if response.status_code not in accepted:
            raise DocumentsUnavailableError(f"documents answered {response.status_code}")
        return response

    async def close(self) -> None:
        await self._client.aclose()
