"""Correspondence as competing replicas (separate processes): a reminder fires once with two
processes and a restart in between; a SIGKILL in the middle of a campaign sends every letter
exactly once (counted at the SMTP server by Message-ID)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import pytest

from contracts.assessment import DataDelivered, DataSessionStarted
from contracts.base import Envelope, Event
from contracts.cases import CaseOpened
from contracts.household import Address, Adult, Household
from contracts.organisations import MunicipalityRegistered
from demodata.system import LocalSystem
from servicekit.auth import TOKEN_HEADER, Principal, issue_token
from servicekit.bus import Bus
from servicekit.testing import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "replica-logs"
CODE = "0363"
CAMPAIGN = "Heronderzoek 2027"
STAFF = Principal(
    subject="fb-1", organisation=CODE, role="functioneel_beheerder", municipalities=(CODE,)
)


@pytest.fixture(scope="module")
def own_vhost(amqp_server_url: str) -> Iterator[str]:
    """A virtual host of this module's own: no other correspondence process shares its queues."""
    parts = urlsplit(amqp_server_url)
    if not shutil.which("rabbitmqctl") or os.geteuid() != 0:
        pytest.fail("rabbitmqctl (as root) is needed to give the replicas a vhost of their own")
    vhost = f"replicas-{uuid.uuid4().hex[:10]}"

    def run(*arguments: str) -> None:
        subprocess.run(
            ["rabbitmqctl", "-q", *arguments],
            check=True,
            capture_output=True,
            timeout=60,
        )

    run("add_vhost", vhost)
    run("set_permissions", "-p", vhost, parts.username or "guest", ".*", ".*", ".*")
    try:
        yield urlunsplit(parts._replace(path="/" + quote(vhost, safe="")))
    finally:
        run("delete_vhost", vhost)


@pytest.fixture
def replicas(postgres_server_url: str, own_vhost: str) -> Iterator[LocalSystem]:
    system = LocalSystem(
        postgres_server_url=postgres_server_url,
        amqp_url=own_vhost,
        logs=ARTIFACTS,
        extra_env={
            "CORRESPONDENCE_SCHEDULE_POLL_SECONDS": "0.2",
            "CORRESPONDENCE_RENDER_BATCH_SIZE": "20",
            # Only correspondence runs here: letters go without upload link or archive.
            "CORRESPONDENCE_DOCUMENTS_URL": "",
        },
    )
    system.start_mail()
    try:
        system.run("-m", "correspondence", "migrate")
        for name, helo in (("correspondence", "replica-a"), ("correspondence-2", "replica-b")):
            system.start(
                "correspondence", name=name, settings={"CORRESPONDENCE_SMTP_LOCAL_HOSTNAME": helo}
            )
        system.wait_ready("correspondence", "correspondence-2", seconds=240)
        yield system
    finally:
        system.stop_all()
        asyncio.run(_drop(system))


async def _drop(system: LocalSystem) -> None:
    from servicekit.db import drop_database

    await drop_database(system.database_url("correspondence"))


def household(email: str) -> Household:
    return Household(
        applicant=Adult(
            bsn="111222333",
            initials="A.",
            last_name="Bakker",
            date_of_birth=date(1970, 1, 1),
            email=email,
            address=Address(
                street="Kerkstraat", house_number=3, postal_code="1017 GC", city="Amsterdam"
            ),
        )
    )


def opened(kind: str = "application", campaign: str | None = None) -> CaseOpened:
    case_id = uuid.uuid4()
    return CaseOpened(
        case_id=case_id,
        kind=kind,
        application_number=f"GP-{case_id.hex[:8]}",  # type: ignore[arg-type]
        municipality_code=CODE,
        status="received",
        adults=1,
        persons=1,
        submitted_at=datetime.now(UTC),
        household=household(f"{case_id.hex[:8]}@example.org"),
        campaign=campaign,
    )


def started(case: CaseOpened) -> DataSessionStarted:
    now = datetime.now(UTC)
    return DataSessionStarted(
        session_id=f"s-{case.case_id.hex[:10]}",
        case_id=case.case_id,
        municipality_code=CODE,
        url=f"https://ockto.example/s/{case.case_id.hex[:10]}",
        expires_at=now + timedelta(days=30),
        trigger="automatic",
        started_by="system",
        started_at=now,
    )


async def publish(system: LocalSystem, *events: Event) -> None:
    bus = Bus(system.amqp_url, service="replica-test")
    await bus.connect()
    try:
        for event in events:
            await bus.publish_envelope(
                event.routing_key(), Envelope.wrap(event, correlation_id="replicas")
            )
    finally:
        await bus.close()


def headers(system: LocalSystem) -> dict[str, str]:
    return {TOKEN_HEADER: issue_token(STAFF, secret=system.internal_secret)}


def move_clock(system: LocalSystem, name: str, offset: timedelta) -> None:
    response = httpx.put(
        f"{system.url(name)}/testing/clock",
        json={"offset_seconds": offset.total_seconds()},
        timeout=5,
    )
    assert response.status_code == 200


def letters_of(system: LocalSystem, case: CaseOpened) -> list[dict]:  # type: ignore[type-arg]
    response = httpx.get(
        f"{system.url('correspondence-2')}/cases/{case.case_id}/correspondence",
        headers=headers(system),
        timeout=10,
    )
    return list(response.json()["letters"]) if response.status_code == 200 else []


def check(condition: object) -> object:
    """A synchronous check as the coroutine function `eventually` polls."""

    async def run() -> bool:
        value = condition()  # type: ignore[operator]
        return bool(await value) if hasattr(value, "__await__") else bool(value)

    return run


async def test_reminder_fires_once_across_two_replicas_and_a_restart(replicas: LocalSystem) -> None:
    waiting, answered = opened(), opened()
    await publish(
        replicas, MunicipalityRegistered(code=CODE, name="Gemeente Amsterdam"), waiting, answered
    )
    await eventually(
        check(lambda: _letters(replicas, waiting, 1) and _letters(replicas, answered, 1)),
        seconds=60,
    )
    await publish(replicas, started(waiting), started(answered))
    await eventually(check(lambda: _letters(replicas, waiting, 2)), seconds=60)
    await publish(
        replicas,
        DataDelivered(
            case_id=answered.case_id,
            municipality_code=CODE,
            source="ockto",
            recorded_by="ockto",
            delivered_at=datetime.now(UTC),
        ),
    )
    for name in ("correspondence", "correspondence-2"):
        move_clock(replicas, name, timedelta(days=13))
    replicas.stop("correspondence-2")  # a restart in between: its clock offset is gone with it
    replicas.start("correspondence", name="correspondence-2")
    replicas.wait_ready("correspondence-2", seconds=240)
    for name in ("correspondence", "correspondence-2"):
        move_clock(replicas, name, timedelta(days=15))
    await eventually(check(lambda: _kinds(replicas, waiting).count("reminder") == 1), seconds=60)
    assert replicas.mail is not None
    await eventually(check(lambda: _reminders_received(replicas, waiting) == 1), seconds=30)
    for name in ("correspondence", "correspondence-2"):  # both keep polling; nothing more fires
        move_clock(replicas, name, timedelta(days=40))
    schedules = httpx.get(  # noqa: ASYNC210 - a test, one request
        f"{replicas.url('correspondence')}/cases/{waiting.case_id}/correspondence",
        headers=headers(replicas),
        timeout=10,
    ).json()["schedules"]
    assert [s["status"] for s in schedules] == ["fired"]
    assert _kinds(replicas, waiting).count("reminder") == 1
    assert _reminders_received(replicas, waiting) == 1
    assert "reminder" not in _kinds(replicas, answered)


def _kinds(system: LocalSystem, case: CaseOpened) -> list[str]:
    return [letter["kind"] for letter in letters_of(system, case)]


def _letters(system: LocalSystem, case: CaseOpened, n: int) -> bool:
    return sum(1 for letter in letters_of(system, case) if letter["status"] == "sent") >= n


def _reminders_received(system: LocalSystem, case: CaseOpened) -> int:
    assert system.mail is not None
    return sum(
        1
        for m in system.mail.received()
        if m.message()["X-Case-ID"] == str(case.case_id)
        and "Herinnering" in str(m.message()["Subject"])
    )


async def test_sigkill_mid_campaign_sends_every_letter_exactly_once(replicas: LocalSystem) -> None:
    cases = [opened("re_examination", CAMPAIGN) for _ in range(120)]
    await publish(replicas, MunicipalityRegistered(code=CODE, name="Gemeente Amsterdam"), *cases)
    async with httpx.AsyncClient(
        base_url=replicas.url("correspondence"), headers=headers(replicas), timeout=30
    ) as client:
        body = "<p>$AANHEF$,</p><p>$CAMPAGNE$: lever uw gegevens aan via $OCKTO_LINK$.</p>"
        saved = await client.put(
            f"/municipalities/{CODE}/templates/re_examination_invitation/post",
            json={"subject": "Heronderzoek", "body": body},
        )
        assert saved.status_code == 201, saved.text
        for case in cases:

            async def known(case: CaseOpened = case) -> bool:
                return (
                    await client.get(f"/cases/{case.case_id}/contact-preferences")
                ).status_code == 200

            await eventually(known, seconds=60)
            consent = await client.put(
                f"/cases/{case.case_id}/contact-preferences",
                json={"email_allowed": {"re_examination_invitation": True}},
            )
            assert consent.status_code == 200
        await publish(replicas, *(started(case) for case in cases))

        async def all_held() -> bool:
            progress = (await client.get(f"/campaigns/{CODE}/{quote(CAMPAIGN)}")).json()
            return bool(progress["total"] == 240 and progress["status"] == "not_started")

        await eventually(all_held, seconds=60)
        assert replicas.mail is not None
        killed = threading.Event()
        seen = {"a": 0}

        def kill_replica_a_in_the_middle(envelope: object, session: object) -> str | None:
            if getattr(session, "host_name", "") != "replica-a" or killed.is_set():
                return None
            seen["a"] += 1
            if seen["a"] < 15:
                return None
            killed.set()
            replicas.kill("correspondence")  # SIGKILL while it holds this SMTP transaction
            return "451 4.3.0 try again later"

        replicas.mail.hook = kill_replica_a_in_the_middle
        started_campaign = await client.post(f"/campaigns/{CODE}/{quote(CAMPAIGN)}")
        assert started_campaign.status_code == 202, started_campaign.text
    async with httpx.AsyncClient(
        base_url=replicas.url("correspondence-2"), headers=headers(replicas), timeout=30
    ) as client:

        async def done() -> bool:
            response = await client.get(f"/campaigns/{CODE}/{quote(CAMPAIGN)}")
            assert response.status_code == 200, response.text
            return bool(response.json()["status"] == "completed")

        await eventually(done, seconds=180)
        progress = (await client.get(f"/campaigns/{CODE}/{quote(CAMPAIGN)}")).json()
    assert killed.is_set(), "replica A was never killed: the test proves nothing"
    assert progress["channels"]["email"]["sent"] == 120
    assert progress["channels"]["post"]["sent"] == 120
    counts = replicas.mail.by_message_id()
    assert len(counts) == 120, {k: v for k, v in counts.items() if v != 1}
    assert set(counts.values()) == {1}, {k: v for k, v in counts.items() if v != 1}
    # Restarted, replica A finds nothing left to send.
    replicas.start("correspondence", name="correspondence")
    replicas.wait_ready("correspondence", seconds=240)
    assert len(replicas.mail.received()) == 120
