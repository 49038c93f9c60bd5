"""The documents routes of the public API and the resident portal, through the real gateway in
front of the real documents service (its own database, moto_server as S3, cases from events)."""

from __future__ import annotations

import asyncio
import hashlib
import io
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pikepdf
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import text

from contracts.base import Envelope
from contracts.cases import CaseOpened
from demodata.objectstore import MotoServer
from documents.__main__ import MIGRATIONS as DOCUMENTS_MIGRATIONS
from documents.main import create_app as create_documents_app
from documents.settings import DocumentsSettings
from gateway.main import create_app as create_gateway_app
from gateway.settings import GatewaySettings
from servicekit.bus import Bus
from servicekit.db import Database, drop_database
from servicekit.migrations import upgrade
from servicekit.testing import eventually, fresh_database

from .conftest import MakeKey, bearer


def _pdf() -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@dataclass
class Documents:
    app: FastAPI
    database: Database
    bus: Bus

    async def open_case(self, municipality: str) -> uuid.UUID:
        case_id = uuid.uuid4()
        event = CaseOpened(
            case_id=case_id,
            kind="application",
            application_number="GV-2026-0000001",
            municipality_code=municipality,
            status="received",
            adults=1,
            persons=1,
            submitted_at=datetime.now(UTC),
        )
        await self.bus.publish_envelope(
            event.routing_key(), Envelope.wrap(event, correlation_id=uuid.uuid4().hex)
        )

        async def known() -> bool:
            async with self.database.sessions() as session:
                found = await session.execute(
                    text("SELECT 1 FROM known_cases WHERE id = :id"), {"id": case_id}
                )
                return found.scalar() is not None

        await eventually(known)
        return case_id


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


@pytest.fixture(scope="module")
async def documents(
    postgres_server_url: str, amqp_url: str, moto: MotoServer
) -> AsyncIterator[Documents]:
    url = await fresh_database(postgres_server_url, "gw_documents")
    await asyncio.to_thread(upgrade, DOCUMENTS_MIGRATIONS, url)
    suffix = uuid.uuid4().hex[:8]
    settings = DocumentsSettings(
        service_name=f"gwdocuments{suffix}",
        database_url=url,
        amqp_url=amqp_url,
        environment="test",
        s3_endpoint=moto.url,
        evidence_bucket=f"gw-evidence-{suffix}",
        letters_bucket=f"gw-letters-{suffix}",
        public_base_url="http://gw",
        relay_poll_seconds=0.2,
    )
    app = create_documents_app(settings)
    database = Database(url, pool_size=2)
    bus = Bus(amqp_url, service=f"gwdocpub{suffix}")
    await bus.connect()
    try:
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
            yield Documents(app, database, bus)
    finally:
        await bus.close()
        await database.dispose()
        await drop_database(url)


@pytest.fixture
async def gateway(
    settings: GatewaySettings, seeded: Database, documents: Documents
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_gateway_app(settings)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=documents.app), base_url="http://documents"
        ) as downstream,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as http,
    ):
        app.state.downstreams.documents.client = downstream
        yield http


async def test_upload_list_and_download_through_the_gateway(
    gateway: httpx.AsyncClient, documents: Documents, make_key: MakeKey
) -> None:
    key = bearer(await make_key("0363", "behandelaar"))
    case_id = await documents.open_case("0363")
    data = _pdf()

    upload = await gateway.post(
        f"/api/v1/cases/{case_id}/documents",
        data={"kind": "bank_statement"},
        files={"file": ("afschrift mei.pdf", data, "application/pdf")},
        headers=key,
    )
    assert upload.status_code == 201, upload.text
    document = upload.json()
    listing = await gateway.get(f"/api/v1/cases/{case_id}/documents", headers=key)
    metadata = await gateway.get(f"/api/v1/documents/{document['id']}", headers=key)
    content = await gateway.get(f"/api/v1/documents/{document['id']}/content", headers=key)

    assert [item["source"] for item in listing.json()["items"]] == ["staff"]
    assert metadata.json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert content.status_code == 200
    assert content.content == data
    assert content.headers["x-content-sha256"] == document["sha256"]
    assert "afschrift%20mei.pdf" in content.headers["content-disposition"]


async def test_another_organisation_gets_404_on_every_documents_route(
    gateway: httpx.AsyncClient, documents: Documents, make_key: MakeKey
) -> None:
    amsterdam = bearer(await make_key("0363", "behandelaar"))
    rotterdam = bearer(await make_key("0599", "behandelaar"))
    case_id = await documents.open_case("0363")
    document = (
        await gateway.post(
            f"/api/v1/cases/{case_id}/documents",
            data={"kind": "payslip"},
            files={"file": ("a.pdf", _pdf())},
            headers=amsterdam,
        )
    ).json()
    expires = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    link = (
        await gateway.post(
            f"/api/v1/cases/{case_id}/upload-links",
            json={"purpose": "evidence", "expires_at": expires, "message": "Stuur uw loonstrook."},
            headers=amsterdam,
        )
    ).json()

    answers = [
        await gateway.get(f"/api/v1/cases/{case_id}/documents", headers=rotterdam),
        await gateway.post(
            f"/api/v1/cases/{case_id}/documents",
            data={"kind": "payslip"},
            files={"file": ("a.pdf", _pdf())},
            headers=rotterdam,
        ),
        await gateway.get(f"/api/v1/documents/{document['id']}", headers=rotterdam),
        await gateway.get(f"/api/v1/documents/{document['id']}/content", headers=rotterdam),
        await gateway.post(
            f"/api/v1/cases/{case_id}/upload-links",
            json={"purpose": "evidence", "expires_at": expires, "message": "x"},
            headers=rotterdam,
        ),
        await gateway.delete(f"/api/v1/upload-links/{link['id']}", headers=rotterdam),
    ]
    assert [answer.status_code for answer in answers] == [404] * 6
    unauthenticated = await gateway.get(f"/api/v1/documents/{document['id']}")
    assert unauthenticated.status_code == 401


async def test_the_resident_portal_through_the_gateway_without_an_api_key(
    gateway: httpx.AsyncClient, documents: Documents, make_key: MakeKey
) -> None:
    key = bearer(await make_key("0363", "behandelaar"))
    case_id = await documents.open_case("0363")
    created = await gateway.post(
        f"/api/v1/cases/{case_id}/upload-links",
        json={
            "purpose": "information_request",
            "expires_at": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
            "message": "Stuur uw bankafschrift.",
        },
        headers=key,
    )
    assert created.status_code == 201, created.text
    path = created.json()["url"].removeprefix("http://gw")
    assert path.startswith("/inwoner/upload/")

    page = await gateway.get(path)
    upload = await gateway.post(
        path,
        files=[("bestanden", ("afschrift.pdf", _pdf(), "application/pdf"))],
        headers={"X-Backoffice-Client-Address": "192.0.2.77"},
    )
    receipt = await gateway.get(upload.headers["location"])
    script = await gateway.get("/inwoner/static/portal.js")

    assert page.status_code == 200
    assert "Stuur uw bankafschrift." in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    assert upload.status_code == 303
    assert receipt.status_code == 200
    assert "afschrift.pdf" in receipt.text
    assert script.status_code == 200
    listing = await gateway.get(f"/api/v1/cases/{case_id}/documents", headers=key)
    assert [item["source"] for item in listing.json()["items"]] == ["resident"]
