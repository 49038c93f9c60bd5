"""The real cases and intake services behind the gateway in its integration tests, in this process;
and the real assessment and correspondence services for the tests that need them
(`running_assessment`, `running_correspondence`).

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
import json
import random
import socket
import time as clock
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import httpx
import uvicorn
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import select, update
from starlette.types import ASGIApp, Receive, Scope, Send

from assessment.__main__ import MIGRATIONS as ASSESSMENT_MIGRATIONS
from assessment.casefile.models import KnownCase
from assessment.main import create_app as create_assessment_app
from assessment.settings import AssessmentSettings
from cases import handlers
from cases.__main__ import MIGRATIONS as CASES_MIGRATIONS
from cases.main import create_app as create_cases_app
from cases.models import Case, CaseHistory
from cases.reporting.models import AccessLog
from cases.settings import CasesSettings
from contracts.base import Envelope, Event
from contracts.household import Address, Adult, Child, Household
from contracts.intake import ApplicationCorrected, ApplicationReceived
from contracts.licences import Addon, Licence
from contracts.ockto import SIGNATURE_HEADER, sign
from contracts.organisations import LicenceChanged
from correspondence.__main__ import MIGRATIONS as CORRESPONDENCE_MIGRATIONS
from correspondence.main import create_app as create_correspondence_app
from correspondence.settings import CorrespondenceSettings
from demodata import ApplicationFactory
from gateway import organisations
from gateway.main import create_app as create_gateway_app
from gateway.settings import DEFAULT_SEED_FILE, GatewaySettings
from intake import repository as intake_repository
from intake.__main__ import MIGRATIONS as INTAKE_MIGRATIONS
from intake.imports.models import ReExaminationImport
from intake.main import create_app as create_intake_app
from intake.settings import DEVELOPMENT_WEBSITE_SECRET, IntakeSettings
from ockto_simulator.app import SimulatorSettings
from ockto_simulator.app import State as SimulatorState
from ockto_simulator.app import create_app as create_simulator
from ockto_simulator.scenarios import build as build_delivery
from servicekit.auth import TOKEN_HEADER, Principal, issue_token, read_token
from servicekit.bus import Bus, parking_queue_name
from servicekit.db import Database, drop_database
from servicekit.migrations import upgrade
from servicekit.routes import Delivery
from servicekit.settings import DEVELOPMENT_SECRET
from servicekit.tables import tenant_municipalities
from servicekit.testing import eventually, fresh_database

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
        email: str | None = None,
        address: Address | None = None,
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
            insurer="Zilveren Kruis",
            package="Gemeentepolis Uitgebreid",
            declared_income_applicant=Decimal("1420.50"),
            consent_data_retrieval=True,
            household=Household(
                applicant=Adult(
                    bsn=applicant_bsn,
                    initials=first_name[0] + ".",
                    first_name=first_name,
                    prefix="de",
                    last_name=name,
                    date_of_birth=date(1981, 4, 17),
                    email=email,
                    address=address,
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
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
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
            await stack.enter_async_context(
                LifespanManager(cases_app, startup_timeout=60, shutdown_timeout=30)
            )
            await stack.enter_async_context(
                LifespanManager(intake_app, startup_timeout=60, shutdown_timeout=30)
            )
            yield Services(cases_app, cases_database, intake_app, intake_database)
    finally:
        await cases_database.dispose()
        await intake_database.dispose()
        await _delete_queues(
            amqp_url, cases_settings.service_name, "applications", "re_examinations"
        )
        await _delete_queues(
            amqp_url, intake_settings.service_name, "website", "organisations", "tenants"
        )
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


@asynccontextmanager
async def served(app: ASGIApp) -> AsyncIterator[str]:
    """`app` over HTTP on a free port of this host, for a service that calls it by URL (its
    lifespan runs elsewhere, or it has none); yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, lifespan="off", ws="none", access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))

    async def started() -> bool:
        return server.started

    try:
        await eventually(started, seconds=10)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


# Nothing listens on port 1: connecting to it is refused, as to a service that is down.
UNREACHABLE = "http://127.0.0.1:1"

# The assessment service and Ockto (the simulator, the outside party) share these in the tests.
OCKTO_API_KEY = "gateway-tests-ockto-api-key"
OCKTO_WEBHOOK_SECRET = "gateway-tests-ockto-webhook-secret"


@dataclass(frozen=True)
class Asked:
    """A request the gateway sent the assessment service."""

    method: str
    path: str
    body: str | None
    principal: Principal | None


class Recorder:
    """A real service's app as the gateway reaches it, each request noted on its way in.

    Passes every request and answer through untouched: what the tests see is the service's
    own answer; the notes only show what the gateway asked (or did not ask) it."""

    def __init__(self, app: ASGIApp, asked: list[Asked]) -> None:
        self.app = app
        self.asked = asked

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def receiving() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
            return message

        try:
            await self.app(scope, receiving, send)
        finally:
            headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
            token = headers.get(TOKEN_HEADER.lower())
            body = b"".join(chunks)
            self.asked.append(
                Asked(
                    method=scope["method"],
                    path=scope["path"],
                    body=body.decode("utf-8", "replace") if body else None,
                    principal=read_token(token, secret=DEVELOPMENT_SECRET) if token else None,
                )
            )


def staff(role: str, *municipalities: str, subject: str = "test:opzet") -> Principal:
    """A principal of the tests' own set-up calls (never a user of the UI under test)."""
    return Principal(
        subject=subject,
        organisation=municipalities[0],
        role=role,
        municipalities=municipalities,
    )


@dataclass
class AssessmentService:
    """The real assessment app (lifespan: consumers, outbox relay, session starter, expiry
    sweeper, document uploader) on its own database, with the Ockto simulator."""

    app: FastAPI
    database: Database
    bus: Bus
    simulator: FastAPI
    simulator_url: str
    asked: list[Asked] = field(default_factory=list)

    @property
    def for_gateway(self) -> ASGIApp:
        """The app behind the gateway's downstream `assessment` (requests noted in `asked`)."""
        return Recorder(self.app, self.asked)

    async def call(
        self, principal: Principal, method: str, path: str, body: Any = None
    ) -> httpx.Response:
        """The service's own API, directly (the tests' set-up; not noted in `asked`)."""
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://assessment"
        ) as client:
            return await client.request(
                method,
                path,
                json=body,
                headers={TOKEN_HEADER: issue_token(principal, secret=DEVELOPMENT_SECRET)},
            )

    async def view(self, case_id: uuid.UUID, municipality: str) -> dict[str, Any] | None:
        """The case's assessment as the service answers it; None while it has not heard of it."""
        answer = await self.call(
            staff("behandelaar", municipality), "GET", f"/cases/{case_id}/assessment"
        )
        if answer.status_code == 404:
            return None
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    async def until(
        self,
        case_id: uuid.UUID,
        municipality: str,
        holds: Callable[[dict[str, Any]], bool],
        *,
        seconds: float = 30,
    ) -> dict[str, Any]:
        """The case's assessment once `holds` is true of it."""
        seen: list[dict[str, Any]] = []

        async def check() -> bool:
            view = await self.view(case_id, municipality)
            if view is not None and holds(view):
                seen.append(view)
                return True
            return False

        await eventually(check, seconds=seconds)
        return seen[-1]

    async def invited(self, case_id: uuid.UUID, municipality: str) -> str:
        """The Ockto session id, once the session starter invited the resident (the automatic
        session requested when the case opened)."""
        view = await self.until(
            case_id,
            municipality,
            lambda v: bool(v["sessions"]) and v["sessions"][-1]["state"] == "invited",
        )
        session_id: str = view["sessions"][-1]["session_id"]
        return session_id

    async def deliver(
        self,
        gateway: httpx.AsyncClient,
        session_id: str,
        scenario: str = "wages_under_limit",
        *,
        change: Callable[[dict[str, Any]], None] | None = None,
    ) -> httpx.Response:
        """The resident consented: Ockto's signed delivery to the gateway's public callback,
        as the simulator builds it for the session it was asked for (its persons and date), and
        its source document served once by the simulator. `change` alters the data first."""
        state: SimulatorState = self.simulator.state.simulator
        session = state.sessions[session_id]
        body, document = build_delivery(
            scenario,
            session_id=session_id,
            persons=session.persons,
            reference_date=session.reference_date,
            purpose=session.purpose,
            document_url=f"{self.simulator_url}/documents",
        )
        if document is not None:
            state.files[document.token] = document
        if change is not None:
            change(body)
        raw = json.dumps(body).encode()
        signature = sign(raw, secret=OCKTO_WEBHOOK_SECRET, timestamp=int(clock.time()))
        return await gateway.post(
            "/api/v1/ockto/deliveries",
            content=raw,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature},
        )

    async def knows_municipalities(self, *codes: str) -> None:
        """Wait until the service has its copy of these customers (the gateway announces them
        with `gateway.municipality.registered` when it starts on a freshly seeded database)."""

        async def known() -> bool:
            async with self.database.sessions() as session:
                found = set(
                    await session.scalars(
                        select(tenant_municipalities.c.code).where(
                            tenant_municipalities.c.code.in_(codes)
                        )
                    )
                )
            return found == set(codes)

        await eventually(known, seconds=30)

    async def licence(self, code: str, licence: Licence, addons: tuple[Addon, ...] = ()) -> None:
        """An operator set the municipality's licence: the gateway's event on the bus; waits
        until the service enforces it."""
        event = LicenceChanged(
            code=code,
            licence=licence,
            addons=addons,
            changed_by="operator:test",
            changed_at=datetime.now(UTC),
        )
        await self.bus.publish_envelope(
            event.routing_key(), Envelope.wrap(event, correlation_id=uuid.uuid4().hex)
        )

        async def enforced() -> bool:
            async with self.database.sessions() as session:
                row = (
                    await session.execute(
                        select(
                            tenant_municipalities.c.licence, tenant_municipalities.c.addons
                        ).where(tenant_municipalities.c.code == code)
                    )
                ).one_or_none()
            return row is not None and (row.licence, sorted(row.addons)) == (
                licence.value,
                sorted(a.value for a in addons),
            )

        await eventually(enforced, seconds=30)

    async def assignee(self, case_id: uuid.UUID) -> str | None:
        """Who the service knows the case is assigned to (from `cases.case.assigned`)."""
        async with self.database.sessions() as session:
            return await session.scalar(
                select(KnownCase.assignee).where(KnownCase.case_id == case_id)
            )


@asynccontextmanager
async def running_assessment(
    postgres_server_url: str, amqp_url: str, *, documents_url: str
) -> AsyncIterator[AssessmentService]:
    """The assessment service, migrated and started, with the Ockto simulator on a free port
    (the service calls Ockto over HTTP and fetches source documents from it) and the documents
    service at `documents_url` (where it stores those documents)."""
    suffix = uuid.uuid4().hex[:8]
    simulator = create_simulator(SimulatorSettings(OCKTO_API_KEY, OCKTO_WEBHOOK_SECRET, ""))
    url = await fresh_database(postgres_server_url, "gw_assessment")
    await asyncio.to_thread(upgrade, ASSESSMENT_MIGRATIONS, url)
    database = Database(url, pool_size=2)
    bus = Bus(amqp_url, service=f"gwassessmenttest{suffix}")
    service_name = f"gwassessment{suffix}"
    try:
        async with served(simulator) as simulator_url:
            simulator.state.simulator.settings = SimulatorSettings(
                OCKTO_API_KEY, OCKTO_WEBHOOK_SECRET, simulator_url
            )
            settings = AssessmentSettings(
                service_name=service_name,
                database_url=url,
                amqp_url=amqp_url,
                environment="test",
                # The secret the gateway signs its internal tokens with (every service's default).
                internal_token_secret=DEVELOPMENT_SECRET,
                ockto_api_url=simulator_url,
                ockto_api_key=OCKTO_API_KEY,
                ockto_webhook_secret=OCKTO_WEBHOOK_SECRET,
                ockto_callback_url="http://gw/api/v1/ockto/deliveries",
                documents_url=documents_url,
                relay_poll_seconds=0.2,
                worker_poll_seconds=0.2,
            )
            app = create_assessment_app(settings)
            async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
                await bus.connect()
                yield AssessmentService(app, database, bus, simulator, simulator_url)
    finally:
        await bus.close()
        await database.dispose()
        await _delete_queues(
            amqp_url, service_name, "tenants", "organisations", "cases", "documents"
        )
        await drop_database(url)


@dataclass
class CorrespondenceService:
    """The real correspondence app (lifespan: consumers, outbox relay, letters worker, schedule
    poller) on its own database; e-mail goes to an SMTP catcher, without documents service
    (letters go without upload link or archive) and without LibreOffice (no Word letters)."""

    app: FastAPI
    database: Database
    bus: Bus
    asked: list[Asked] = field(default_factory=list)

    @property
    def for_gateway(self) -> ASGIApp:
        """The app behind the gateway's downstream `correspondence` (requests noted in `asked`)."""
        return Recorder(self.app, self.asked)

    def paths(self, method: str = "GET") -> list[str]:
        """The paths the gateway asked with `method`, in order."""
        return [asked.path for asked in self.asked if asked.method == method]

    async def call(
        self,
        principal: Principal,
        method: str,
        path: str,
        body: Any = None,
        **options: Any,
    ) -> httpx.Response:
        """The service's own API, directly (the tests' set-up; not noted in `asked`)."""
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://correspondence"
        ) as client:
            return await client.request(
                method,
                path,
                json=body,
                headers={
                    TOKEN_HEADER: issue_token(principal, secret=DEVELOPMENT_SECRET),
                    **options.pop("headers", {}),
                },
                **options,
            )

    async def publish(self, *events: Event) -> None:
        """Events on the bus, as their services publish them."""
        for event in events:
            await self.bus.publish_envelope(
                event.routing_key(), Envelope.wrap(event, correlation_id=uuid.uuid4().hex)
            )

    async def correspondence(self, case_id: uuid.UUID, municipality: str) -> dict[str, Any] | None:
        """The case's letters, bounces and schedules; None while it has not heard of the case."""
        answer = await self.call(
            staff("behandelaar", municipality), "GET", f"/cases/{case_id}/correspondence"
        )
        if answer.status_code == 404:
            return None
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    async def letters(
        self,
        case_id: uuid.UUID,
        municipality: str,
        holds: Callable[[list[dict[str, Any]]], bool],
        *,
        seconds: float = 30,
    ) -> list[dict[str, Any]]:
        """The case's letters as the service lists them, once `holds` is true of them."""
        seen: list[list[dict[str, Any]]] = []
        last: list[dict[str, Any]] = []

        async def check() -> bool:
            found = await self.correspondence(case_id, municipality)
            letters = found["letters"] if found is not None else []
            last[:] = letters
            if found is not None and holds(letters):
                seen.append(letters)
                return True
            return False

        try:
            await eventually(check, seconds=seconds)
        except AssertionError:
            states = [(i["kind"], i["channel"], i["status"], i["error"]) for i in last]
            raise AssertionError(f"the letters of case {case_id} stayed {states}") from None
        return seen[-1]

    async def knows_municipalities(self, *codes: str) -> None:
        """Wait until the service has its copy of these customers (from the gateway's
        `gateway.municipality.registered`)."""

        async def known() -> bool:
            async with self.database.sessions() as session:
                found = set(
                    await session.scalars(
                        select(tenant_municipalities.c.code).where(
                            tenant_municipalities.c.code.in_(codes)
                        )
                    )
                )
            return found == set(codes)

        await eventually(known, seconds=30)


@asynccontextmanager
async def running_correspondence(
    postgres_server_url: str, amqp_url: str, *, smtp_port: int
) -> AsyncIterator[CorrespondenceService]:
    """The correspondence service, migrated and started, sending e-mail to the SMTP server on
    `smtp_port` of this host."""
    suffix = uuid.uuid4().hex[:8]
    url = await fresh_database(postgres_server_url, "gw_correspondence")
    await asyncio.to_thread(upgrade, CORRESPONDENCE_MIGRATIONS, url)
    database = Database(url, pool_size=2)
    bus = Bus(amqp_url, service=f"gwcorrespondencetest{suffix}")
    service_name = f"gwcorrespondence{suffix}"
    settings = CorrespondenceSettings(
        service_name=service_name,
        database_url=url,
        amqp_url=amqp_url,
        environment="test",
        internal_token_secret=DEVELOPMENT_SECRET,
        smtp_port=smtp_port,
        unoserver_url=UNREACHABLE,  # a Word letter cannot be converted (none is sent here)
        schedule_poll_seconds=0.2,
        relay_poll_seconds=0.2,
        send_retry_base_seconds=600,
    )
    app = create_correspondence_app(settings)
    try:
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
            await bus.connect()
            yield CorrespondenceService(app, database, bus)
    finally:
        await bus.close()
        await database.dispose()
        await _delete_queues(amqp_url, service_name, "events", "tenants", "letters")
        await drop_database(url)
