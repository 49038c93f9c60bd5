"""The harness of the documents integration tests: the running app and what tests ask of it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from minio import Minio
from sqlalchemy import func, select, text

from contracts.base import Envelope, Event
from contracts.cases import CaseOpened, CaseStatusChanged
from contracts.organisations import MunicipalityRegistered
from documents.files.models import Document
from documents.known_cases.models import KnownCase
from documents.main import create_app
from documents.settings import DocumentsSettings
from documents.storage.models import PendingObject
from servicekit.auth import TOKEN_HEADER, Principal, Role, issue_token, system_principal
from servicekit.bus import Bus, parking_queue_name
from servicekit.db import Database
from servicekit.testing import eventually


def principal(
    *municipalities: str, role: Role = "behandelaar", subject: str = "medewerker-1"
) -> Principal:
    return Principal(
        subject=subject,
        organisation=municipalities[0] if len(municipalities) == 1 else "isd-test",
        role=role,
        municipalities=municipalities,
    )


def settings_for(
    database_url: str, amqp_url: str, s3_url: str, **overrides: object
) -> DocumentsSettings:
    suffix = uuid.uuid4().hex[:8]
    values: dict[str, object] = {
        "service_name": f"documents{suffix}",
        "database_url": database_url,
        "amqp_url": amqp_url,
        "environment": "test",
        "relay_poll_seconds": 0.2,
        "s3_endpoint": s3_url,
        "evidence_bucket": f"evidence-{suffix}",
        "letters_bucket": f"letters-{suffix}",
        "max_file_bytes": 6 * 1024 * 1024,
        "max_case_bytes": 40 * 1024 * 1024,
        "sweep_seconds": 3600.0,
        "public_base_url": "http://gateway.test",
    }
    values.update(overrides)
    return DocumentsSettings(**values)  # type: ignore[arg-type]


def files_in(folder: Path) -> list[Path]:
    """What a spool folder holds, its subfolders' files included (sync: a quick look)."""
    return [path for path in folder.rglob("*") if path.is_file()] + [
        path for path in folder.iterdir() if path.is_dir() and not any(path.iterdir())
    ]


@dataclass
class Harness:
    app: FastAPI
    client: httpx.AsyncClient
    database: Database
    settings: DocumentsSettings
    bus: Bus

    def headers(self, *municipalities: str, role: Role = "behandelaar") -> dict[str, str]:
        who = principal(*(municipalities or ("0363",)), role=role)
        return {TOKEN_HEADER: issue_token(who, secret=self.settings.internal_token_secret)}

    def system_headers(self, service: str = "correspondence") -> dict[str, str]:
        who = system_principal(service)
        return {TOKEN_HEADER: issue_token(who, secret=self.settings.internal_token_secret)}

    @property
    def s3(self) -> Minio:
        url = self.settings.s3_endpoint.removeprefix("http://")
        return Minio(
            url,
            access_key=self.settings.s3_access_key,
            secret_key=self.settings.s3_secret_key,
            secure=False,
            region=self.settings.s3_region,
        )

    async def publish(self, event: Event) -> None:
        await self.bus.publish_envelope(
            event.routing_key(), Envelope.wrap(event, correlation_id=uuid.uuid4().hex)
        )

    async def open_case(self, municipality: str = "0363", *, status: str = "received") -> uuid.UUID:
        """A case opened as the cases service announces it; returns once this service knows."""
        case_id = uuid.uuid4()
        await self.publish(
            CaseOpened(
                case_id=case_id,
                kind="application",
                application_number=f"GV-2026-{uuid.uuid4().int % 10**7:07d}",
                municipality_code=municipality,
                status=status,
                adults=1,
                persons=1,
                submitted_at=datetime.now(UTC),
            )
        )
        await eventually(lambda: self._known(case_id))
        return case_id

    async def change_status(
        self,
        case_id: uuid.UUID,
        to_status: str,
        *,
        municipality: str = "0363",
        at: datetime | None = None,
    ) -> None:
        changed_at = at or datetime.now(UTC)
        await self.publish(
            CaseStatusChanged(
                case_id=case_id,
                kind="application",
                municipality_code=municipality,
                from_status="decided_granted",
                to_status=to_status,
                transition=to_status,
                changed_at=changed_at,
                actor="behandelaar-1",
            )
        )

        async def moved() -> bool:
            async with self.database.sessions() as session:
                case = await session.get(KnownCase, case_id, populate_existing=True)
                return case is not None and case.status == to_status

        await eventually(moved)

    async def register_municipality(self, code: str, name: str) -> None:
        await self.publish(MunicipalityRegistered(code=code, name=name))

        async def known() -> bool:
            async with self.database.sessions() as session:
                row = await session.execute(
                    text("SELECT name FROM tenant_municipalities WHERE code = :code"),
                    {"code": code},
                )
                return row.scalar() == name

        await eventually(known)

    async def _known(self, case_id: uuid.UUID) -> bool:
        async with self.database.sessions() as session:
            return await session.get(KnownCase, case_id) is not None

    async def upload(
        self,
        case_id: uuid.UUID,
        data: bytes,
        name: str = "loonstrook.pdf",
        *,
        kind: str = "payslip",
        headers: dict[str, str] | None = None,
        **fields: str,
    ) -> httpx.Response:
        return await self.client.post(
            f"/cases/{case_id}/documents",
            data={"kind": kind, **fields},
            files={"file": (name, data, "application/octet-stream")},
            headers=headers or self.headers(),
        )

    async def documents_of(self, case_id: uuid.UUID) -> list[Document]:
        async with self.database.sessions() as session:
            return list(await session.scalars(select(Document).where(Document.case_id == case_id)))

    async def objects(self) -> set[str]:
        """Every object key in both buckets."""
        keys: set[str] = set()
        for bucket in (self.settings.evidence_bucket, self.settings.letters_bucket):
            keys |= {
                item.object_name or "" for item in self.s3.list_objects(bucket, recursive=True)
            }
        return keys

    async def outbox(self, event_type: str, case_id: uuid.UUID) -> list[dict[str, Any]]:
        async with self.database.sessions() as session:
            rows = await session.execute(
                text(
                    "SELECT envelope FROM outbox WHERE envelope->>'event_type' = :type "
                    "AND envelope->'data'->>'case_id' = :case ORDER BY id"
                ),
                {"type": event_type, "case": str(case_id)},
            )
            return [row.envelope for row in rows]

    async def pending(self) -> int:
        async with self.database.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(PendingObject)) or 0)


async def _delete_queues(amqp_url: str, service: str, purposes: Sequence[str]) -> None:
    bus = Bus(amqp_url, service=service)
    await bus.connect()
    channel = await bus.connection.channel()
    for purpose in purposes:
        await channel.queue_delete(f"{service}.{purpose}")
    await channel.queue_delete(parking_queue_name(service))
    await channel.close()
    await bus.close()


@asynccontextmanager
async def running(settings: DocumentsSettings) -> AsyncIterator[Harness]:
    app = create_app(settings)
    database = Database(settings.database_url, pool_size=2)
    bus = Bus(settings.amqp_url, service=f"{settings.service_name}-publisher")
    await bus.connect()
    try:
        async with (
            LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://documents", timeout=30
            ) as client,
        ):
            yield Harness(app, client, database, settings, bus)
    finally:
        await bus.close()
        await database.dispose()
        await _delete_queues(settings.amqp_url, settings.service_name, ("cases", "tenants"))
        await _delete_queues(settings.amqp_url, f"{settings.service_name}-publisher", ())
