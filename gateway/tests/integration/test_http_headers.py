"""Headers of the gateway's answers: the public API (personal data: never cached, never
sniffed, never rendered) and the API documentation (local scripts under a CSP of its own, off
in production unless switched on). The real app in front of the real services."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from cryptography.fernet import Fernet

from gateway.main import create_app
from gateway.settings import GatewaySettings

from .conftest import MakeKey, bearer
from .services import Services

PRODUCTION_SECRETS = {
    "environment": "production",
    "internal_token_secret": "a-real-internal-token-secret-of-64-characters-0123456789abcdefgh",
}


def assert_api_headers(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff", response.request.url
    assert response.headers["cache-control"] == "no-store", response.request.url
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_every_api_answer_is_neither_cached_nor_sniffed(
    client: httpx.AsyncClient, make_key: MakeKey, services: Services
) -> None:
    token = await make_key("isd-bollenstreek")
    case = await services.open_case("0534")

    answers = [
        await client.get("/api/v1/cases/" + str(case.id), headers=bearer(token)),
        await client.get("/api/v1/cases", params={"municipality": "0534"}, headers=bearer(token)),
        await client.get(
            "/api/v1/overview", params={"isd": "isd-bollenstreek"}, headers=bearer(token)
        ),
        await client.get(
            "/api/v1/cases/export.csv", params={"municipality": "0534"}, headers=bearer(token)
        ),
        await client.get(f"/api/v1/cases/{case.id}/history", headers=bearer(token)),
        await client.get("/api/v1/cases"),
        await client.get("/api/v1/cases/not-a-case", headers=bearer(token)),
        await client.get("/api/v1/nothing-here"),
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 200, 401, 422, 404]
    for answer in answers:
        assert_api_headers(answer)
    assert answers[0].json()["id"] == str(case.id), "the body itself is untouched"


async def test_the_api_docs_load_their_scripts_from_this_origin_under_a_csp(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/docs", "/redoc"):
        page = await client.get(path)

        assert page.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources, path
        assert all(source.startswith("/static/docs/") for source in sources), sources
        assert "<script>" not in page.text, "no inline script"
        csp = page.headers["content-security-policy"]
        assert "script-src 'self';" in csp
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp
        assert page.headers["x-content-type-options"] == "nosniff"
        for source in sources:
            asset = await client.get(source)
            assert asset.status_code == 200, source
            assert len(asset.content) > 100, source
    assert (await client.get("/openapi.json")).json()["info"]["title"]


@pytest.fixture
async def production_app(
    settings: GatewaySettings, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("GATEWAY_TOTP_ENCRYPTION_KEY", Fernet.generate_key().decode())
    changes = {**PRODUCTION_SECRETS, **getattr(request, "param", {})}
    # Without the test settings' api_docs, which was decided for their environment.
    production = GatewaySettings.model_validate(
        {**settings.model_dump(exclude={"api_docs"}), **changes}
    )
    app = create_app(production)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://gw") as http,
    ):
        yield http


async def test_the_api_docs_are_off_in_production(production_app: httpx.AsyncClient) -> None:
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert (await production_app.get(path)).status_code == 404, path


@pytest.mark.parametrize("production_app", [{"api_docs": True}], indirect=True)
async def test_the_api_docs_can_be_switched_on_in_production(
    production_app: httpx.AsyncClient,
) -> None:
    page = await production_app.get("/docs")

    assert page.status_code == 200
    assert "/static/docs/swagger-ui-bundle.js" in page.text
