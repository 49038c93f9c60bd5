"""A Peer calls another service with a fresh `system` token, and says when it cannot."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, Request

from servicekit.auth import TOKEN_HEADER, Principal, Role, read_token
from servicekit.peers import Peer, PeerUnavailableError

SECRET = "unit-test-internal-token-secret-0123456789abcdef"


def _documents() -> FastAPI:
    """Stands in for a service that answers who called it."""
    app = FastAPI()

    @app.post("/documents")
    async def store(request: Request) -> dict[str, object]:
        principal = read_token(request.headers[TOKEN_HEADER], secret=SECRET)
        return {
            "principal": principal.model_dump(mode="json"),
            "correlation_id": request.headers["x-correlation-id"],
            "body": (await request.body()).decode(),
        }

    return app


async def test_a_peer_call_carries_a_system_token_and_the_correlation_id() -> None:
    async with Peer(
        "http://documents",
        service_name="correspondence",
        secret=SECRET,
        transport=httpx.ASGITransport(app=_documents()),
    ) as documents:
        answer = await documents.request(
            "POST", "/documents", content=b"%PDF-1.7", correlation_id="c-1"
        )
        staff = Principal(subject="user:a", organisation="0363", role=Role.BEHANDELAAR)
        for_staff = await documents.request("POST", "/documents", on_behalf_of=staff)
    seen = answer.json()
    assert seen["principal"]["subject"] == "service:correspondence"
    assert seen["principal"]["role"] == "system"
    assert seen["principal"]["all_municipalities"] is True
    assert seen["correlation_id"] == "c-1"
    assert seen["body"] == "%PDF-1.7"
    assert for_staff.json()["principal"]["subject"] == "user:a"
    assert for_staff.json()["correlation_id"], "a fresh correlation id when none is given"


async def test_an_unreachable_peer_raises_peer_unavailable() -> None:
    async with Peer(
        "http://127.0.0.1:9", service_name="assessment", secret=SECRET, name="documents"
    ) as documents:
        with pytest.raises(PeerUnavailableError, match="documents: not reachable"):
            await documents.request("GET", "/health/live")
