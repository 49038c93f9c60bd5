"""The real cases and intake services behind the gateway in its integration tests, in this process.

Each runs its own app with its lifespan (bus consumers, outbox relay, hold lifter, import
worker) on a migrated database of its own and under a service name (so queues) of its own.
Once per package: tests open cases of their own (unique numbers, names and days) instead of
sharing a fixed set, so they do not depend on each other's effects.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import select, update

from cases import handlers
from cases.__main__ import MIGRATIONS as CASES_MIGRATIONS
from cases.main import create_app as create_cases_app
from cases.models import Case, CaseHistory
from cases.reporting.models import AccessLog
from cases.settings import CasesSettings
from contracts.base import Envelope
from contracts.household import Adult, Child, Household
from contracts.intake import ApplicationCorrected, ApplicationReceived
from demodata import ApplicationFactory
from gateway import organisations
from gateway.main import create_app as create_gateway_app
from gateway.settings import DEFAULT_SEED_FILE, GatewaySettings
from intake import repository as intake_repository
from intake.__main__ import MIGRATIONS as INTAKE_MIGRATIONS
from intake.imports.models import ReExaminationImport
from intake.main import create_app as create_intake_app
from intake.settings import DEVELOPMENT_WEBSITE_SECRET, IntakeSettings
from servicekit.bus import Bus, parking_queue_name
from servicekit.db import Database, drop_database
from servicekit.migrations import upgrade
from servicekit.routes import Delivery
from servicekit.testing import fresh_database

_DAYS = itertools.count()
_FIRST_DAY = date(2001, 1, 1)


def unique_day() -> date:
    """A submission day no other case of this test run has: exact counts for a period."""
    return _FIRST_DAY + timedelta(days=next(_DAYS))


@dataclass(frozen=True)
class OpenedCase:
    id: uuid.UUID
    application_number: str
    last_name: str
    submitted_on: date


@dataclass
class Services:
    cases: FastAPI
    cases_database: Database
    intake: FastAPI
    intake_database: Database

    def client(self, service: str) -> httpx.AsyncClient:
        """A client of the service over ASGI, for the gateway's downstream of that name."""
        app = {"cases": self.cases, "intake": self.intake}[service]
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=f"http://{service}"
        )

    async def open_case(
        self,
        municipality: str = "0534",
        *,
        last_name: str | None = None,
        first_name: str = "Jan",
        applicant_bsn: str = "111222333",
        partner: bool = False,
        children: int = 1,
        submitted_on: date | None = None,
        status: str | None = None,
    ) -> OpenedCase:
        """Open an application's case as the cases consumer does on `ApplicationReceived`."""
        number = f"GV-2026-{uuid.uuid4().int % 10**7:07d}"
        name = last_name or f"Vries{uuid.uuid4().hex[:6]}"
        day = submitted_on or unique_day()
        event = ApplicationReceived(
            application_id=uuid.uuid4(),
            application_number=number,
            revision=1,
            source_event_id=uuid.uuid4(),
            municipality_code=municipality,
            submitted_at=datetime.combine(day, time(9, 30), tzinfo=UTC),
            requested_start_date=date(2027, 1, 1),
            household=Household(
                applicant=Adult(
                    bsn=applicant_bsn,
                    initials=first_name[0] + ".",
                    first_name=first_name,
                    prefix="de",
                    last_name=name,
                    date_of_birth=date(1981, 4, 17),
                ),
                partner=Adult(
                    bsn="123456782",
                    initials="F.",
                    last_name="Amrani",
                    date_of_birth=date(1984, 9, 2),
                )
                if partner
                else None,
                children=tuple(
                    Child(bsn="312966210", first_name=f"Noor{n}", date_of_birth=date(2012, 6, 30))
                    for n in range(children)
                ),
            ),
        )
        delivery: Delivery[ApplicationReceived | ApplicationCorrected] = Delivery(
            Envelope.wrap(event, correlation_id=uuid.uuid4().hex), event
        )
        async with self.cases_database.transaction() as session:
            await handlers.application_revisions(session, [delivery])
            case_id = await session.scalar(select(Case.id).where(Case.application_number == number))
            assert case_id is not None
            if status is not None:
                await session.execute(update(Case).where(Case.id == case_id).values(status=status))
        return OpenedCase(id=case_id, application_number=number, last_name=name, submitted_on=day)

    async def history(self, case_id: uuid.UUID) -> list[tuple[str, str | None, str | None, str]]:
        """(action, to_status, reason, actor) of the case's history, oldest first."""
        async with self.cases_database.sessions() as session:
            rows = await session.execute(
                select(
                    CaseHistory.action, CaseHistory.to_status, CaseHistory.reason, CaseHistory.actor
                )
                .where(CaseHistory.case_id == case_id)
                .order_by(CaseHistory.id)
            )
            return [(row.action, row.to_status, row.reason, row.actor) for row in rows]

    async def import_filenames(self) -> list[str]:
        """The file names of every import intake received."""
        async with self.intake_database.sessions() as session:
            return list(await session.scalars(select(ReExaminationImport.filename)))

    async def accesses(self, case_id: uuid.UUID) -> list[tuple[str, str, str, str, str]]:
        """(action, actor, organisation, role, trace id) of the access log for a case."""
        async with self.cases_database.sessions() as session:
            rows = await session.execute(
                select(
                    AccessLog.action,
                    AccessLog.actor,
                    AccessLog.organisation,
                    AccessLog.role,
                    AccessLog.trace_id,
                )
                .where(AccessLog.case_id == case_id)
                .order_by(AccessLog.id)
            )
            return [tuple(row) for row in rows]  # type: ignore[misc]


def website_body(municipality: str) -> bytes:
    """A new application as the website sends it (numbers and ids of its own)."""
    factory = ApplicationFactory(
        seed=random.randrange(10**9), number_offset=random.randrange(9 * 10**6)
    )
    return factory.body(municipality)


async def post_as_website(client: httpx.AsyncClient, body: bytes) -> httpx.Response:
    secret = DEVELOPMENT_WEBSITE_SECRET.encode()
    signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    return await client.post(
        "/api/v1/intake/applications",
        content=body,
        headers={"Content-Type": "application/json", "X-Signature": signature},
    )


@asynccontextmanager
async def gateway_before(
    services: Services, settings: GatewaySettings
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The real gateway app, its lifespan running, with the services as its downstreams; and a
    client of it."""
    app = create_gateway_app(settings)
    async with (
        LifespanManager(app),
        services.client("cases") as cases,
        services.client("intake") as intake,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as http,
    ):
        app.state.downstreams.cases.client = cases
        app.state.downstreams.intake.client = intake
        yield app, http


@asynccontextmanager
async def running_services(postgres_server_url: str, amqp_url: str) -> AsyncIterator[Services]:
    """Cases and intake, migrated and started; intake knows the seed's municipalities."""
    suffix = uuid.uuid4().hex[:8]
    cases_url = await fresh_database(postgres_server_url, "gw_cases")
    intake_url = await fresh_database(postgres_server_url, "gw_intake")
    await asyncio.to_thread(upgrade, CASES_MIGRATIONS, cases_url)
    await asyncio.to_thread(upgrade, INTAKE_MIGRATIONS, intake_url)
    cases_settings = CasesSettings(
        service_name=f"gwcases{suffix}",
        database_url=cases_url,
        amqp_url=amqp_url,
        environment="test",
        relay_poll_seconds=0.2,
    )
    intake_settings = IntakeSettings(
        service_name=f"gwintake{suffix}",
        database_url=intake_url,
        amqp_url=amqp_url,
        environment="test",
        relay_poll_seconds=0.2,
        import_poll_seconds=0.2,
    )
    cases_database, intake_database = Database(cases_url), Database(intake_url)
    async with intake_database.transaction() as session:
        for municipality in organisations.read_seed_file(DEFAULT_SEED_FILE).municipalities:
            await intake_repository.register_municipality(
                session, code=municipality.code, name=municipality.name
            )
    cases_app = create_cases_app(cases_settings)
    intake_app = create_intake_app(intake_settings)
    try:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(LifespanManager(cases_app))
            await stack.enter_async_context(LifespanManager(intake_app))
            yield Services(cases_app, cases_database, intake_app, intake_database)
    finally:
        await cases_database.dispose()
        await intake_database.dispose()
        await _delete_queues(
            amqp_url, cases_settings.service_name, "applications", "re_examinations"
        )
        await _delete_queues(amqp_url, intake_settings.service_name, "website", "organisations")
        await drop_database(cases_url)
        await drop_database(intake_url)


async def _delete_queues(amqp_url: str, service: str, *purposes: str) -> None:
    bus = Bus(amqp_url, service=service)
    await bus.connect()
    channel = await bus.connection.channel()
    for purpose in purposes:
        await channel.queue_delete(f"{service}.{purpose}")
    await channel.queue_delete(parking_queue_name(service))
    await channel.close()
    await bus.close()
