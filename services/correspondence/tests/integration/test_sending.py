"""Sending: the print batch, and what goes wrong — no address, a refused or bouncing address,
an SMTP server that is down for an hour, LibreOffice crashing — retried, then parked."""

from __future__ import annotations

import io
import os
import signal
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from correspondence.sending.bounces import sample_dsn
from correspondence.sending.prepare import local_day
from demodata import office
from servicekit.testing import eventually

from .conftest import Correspondence, free_port
from .helpers import opened, received_for, session_started
from .support import BEHANDELAAR, BEHEERDER, CODE, publish

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "brief-besluit-toekenning.docx"


async def start_campaign_for(correspondence: Correspondence, campaign: str) -> None:
    body = "<p>$AANHEF$,</p><p>Heronderzoek $CAMPAGNE$: lever uw gegevens aan via $OCKTO_LINK$.</p>"
    saved = await correspondence.client.put(
        f"/municipalities/{CODE}/templates/re_examination_invitation/post",
        json={"subject": "Heronderzoek", "body": body},
        headers=correspondence.headers(BEHEERDER),
    )
    assert saved.status_code == 201, saved.text
    started = await correspondence.client.post(
        f"/campaigns/{CODE}/{campaign}", headers=correspondence.headers(BEHANDELAAR)
    )
    assert started.status_code == 202, started.text


async def test_print_batch_in_address_order(correspondence: Correspondence) -> None:
    await start_campaign_for(correspondence, "Heronderzoek 2027")
    cases = [
        await opened(
            correspondence,
            kind="re_examination",
            campaign="Heronderzoek 2027",
            email=None,
            postal_code=code,
            house_number=n,
        )
        for code, n in (("9999 ZZ", 1), ("1011 AB", 30), ("1011 AB", 4))
    ]
    await publish(correspondence.bus, *(session_started(c) for c in cases))
    for case in cases:
        await correspondence.letters_with(case.case_id, "sent")
    day = await correspondence.scalar("SELECT max(print_date) FROM letters")
    assert day == local_day(correspondence.clock.now()) or day is not None
    response = await correspondence.client.get(
        f"/municipalities/{CODE}/print-batches/{day.isoformat()}",
        headers=correspondence.headers(BEHANDELAAR),
    )
    assert response.status_code == 200, response.text
    assert response.headers["x-letter-count"] == "3"
    pages = PdfReader(io.BytesIO(response.content)).pages
    postal = [
        next(p for p in ("1011 AB  Amsterdam", "9999 ZZ  Amsterdam") if p in page.extract_text())
        for page in pages
    ]
    numbers = ["Dorpsstraat 4a" in page.extract_text() for page in pages]
    assert postal == ["1011 AB  Amsterdam", "1011 AB  Amsterdam", "9999 ZZ  Amsterdam"]
    assert numbers == [True, False, False]
    empty = await correspondence.client.get(
        f"/municipalities/{CODE}/print-batches/2020-01-01",
        headers=correspondence.headers(BEHANDELAAR),
    )
    assert empty.status_code == 404


async def test_no_address_and_no_email_is_parked_with_a_dutch_reason(
    correspondence: Correspondence,
) -> None:
    case = await opened(correspondence, email=None, address=False)
    (letter,) = await correspondence.letters_with(case.case_id, "failed")
    assert "Geen postadres bekend" in letter.last_error
    response = await correspondence.client.get(
        f"/cases/{case.case_id}/correspondence", headers=correspondence.headers(BEHANDELAAR)
    )
    assert response.json()["letters"][0]["error"].startswith("Geen postadres bekend")
    failed = await correspondence.rows(
        "SELECT envelope FROM outbox WHERE routing_key = 'correspondence.letter.failed'"
    )
    assert failed[0].envelope["data"]["case_id"] == str(case.case_id)


async def test_invalid_email_goes_by_post(correspondence: Correspondence) -> None:
    case = await opened(correspondence, email="geen-adres@@voorbeeld")
    (letter,) = await correspondence.letters_with(case.case_id, "sent")
    assert letter.channel == "post"


async def test_refused_address_is_a_bounce_on_the_case(correspondence: Correspondence) -> None:
    correspondence.smtp.refuse = r"onbekend@"
    case = await opened(correspondence, email="onbekend@example.org")
    (letter,) = await correspondence.letters_with(case.case_id, "failed")
    assert "geweigerd (550" in letter.last_error
    response = await correspondence.client.get(
        f"/cases/{case.case_id}/correspondence", headers=correspondence.headers(BEHANDELAAR)
    )
    (bounce,) = response.json()["bounces"]
    assert bounce["recipient"] == "onbekend@example.org"
    assert bounce["status"] == "550"
    assert bounce["source"] == "smtp"


async def test_dsn_bounce_recorded_and_the_letter_follows_by_post(
    correspondence: Correspondence,
) -> None:
    case = await opened(correspondence)
    (sent,) = await received_for(correspondence, case.case_id)
    await correspondence.letters_with(case.case_id, "sent")  # a DSN comes after our commit
    dsn = sample_dsn(message_id=sent.message_id, recipient="j.devries@example.org")
    wrong = await correspondence.client.post(
        "/bounces", content=dsn, headers={"X-Bounce-Token": "wrong-token-wrong-token"}
    )
    assert wrong.status_code == 401
    response = await correspondence.client.post(
        "/bounces", content=dsn, headers={"X-Bounce-Token": correspondence.settings.bounce_secret}
    )
    assert response.status_code == 200, response.text
    assert response.json()["recorded"], response.text
    not_a_dsn = await correspondence.client.post(
        "/bounces",
        content=b"Subject: hallo\n\nhoi",
        headers={"X-Bounce-Token": correspondence.settings.bounce_secret},
    )
    assert not_a_dsn.status_code == 422
    await correspondence.letters_with(case.case_id, "bounced")
    (post,) = await correspondence.letters_with(case.case_id, "sent")
    assert post.channel == "post"


@pytest.mark.parametrize("correspondence_overrides", [{"send_max_attempts": 10}], indirect=True)
async def test_smtp_down_for_an_hour_is_retried_with_backoff_and_sent_once(
    correspondence: Correspondence,
) -> None:
    down = {"on": True}
    correspondence.smtp.hook = lambda envelope, session: (
        "421 4.3.2 Service not available" if down["on"] else None
    )
    case = await opened(correspondence)
    await correspondence.letters_with(case.case_id, "retry")
    for attempt in range(2, 5):  # an hour of failures: 60 s, 120 s, 240 s ... backoff
        correspondence.clock.advance(timedelta(minutes=20))
        await correspondence.tick()
        await eventually(lambda n=attempt: _waiting(correspondence, case.case_id, n))
    down["on"] = False
    correspondence.clock.advance(timedelta(minutes=30))
    await correspondence.tick()
    await correspondence.letters_with(case.case_id, "sent")
    messages = await received_for(correspondence, case.case_id)
    assert len(messages) == 1
    (row,) = await correspondence.rows(
        "SELECT attempts, status FROM letters WHERE case_id = :c", c=case.case_id
    )
    assert row.status == "sent"
    assert row.attempts >= 2


async def _waiting(correspondence: Correspondence, case_id: Any, attempts: int) -> bool:
    (row,) = await correspondence.rows(
        "SELECT status, attempts FROM letters WHERE case_id = :c", c=case_id
    )
    return bool(row.status == "retry" and row.attempts == attempts)


@pytest.mark.parametrize(
    "correspondence_overrides", [{"smtp_port": free_port(), "send_max_attempts": 2}], indirect=True
)
async def test_unreachable_smtp_server_parks_after_the_retries(
    correspondence: Correspondence,
) -> None:
    case = await opened(correspondence)
    await correspondence.letters_with(case.case_id, "retry")
    correspondence.clock.advance(timedelta(hours=1))
    await correspondence.tick()
    (letter,) = await correspondence.letters_with(case.case_id, "failed")
    assert "mailserver is niet bereikbaar" in letter.last_error


UNO_PORT = free_port()


@pytest.mark.parametrize(
    "correspondence_overrides", [{"unoserver_url": f"http://127.0.0.1:{UNO_PORT}"}], indirect=True
)
async def test_libreoffice_crashing_is_retried_and_the_letter_goes_when_it_is_back(
    correspondence: Correspondence, tmp_path: Path
) -> None:
    saved = await correspondence.client.put(
        f"/municipalities/{CODE}/templates/acknowledgement/post",
        files={"file": ("ontvangst.docx", EXAMPLE.read_bytes(), "application/octet-stream")},
        headers=correspondence.headers(BEHEERDER),
    )
    assert saved.status_code == 201, saved.text
    process = office.start(UNO_PORT, free_port(), log=tmp_path / "uno.log")
    office.wait_ready(UNO_PORT)
    os.killpg(process.pid, signal.SIGKILL)  # LibreOffice and unoserver die
    process.wait()
    case = await opened(correspondence, email=None)
    (letter,) = await correspondence.letters_with(case.case_id, "retry")
    assert "LibreOffice" in letter.last_error
    restarted = office.start(UNO_PORT, free_port(), log=tmp_path / "uno2.log")
    try:
        office.wait_ready(UNO_PORT)
        correspondence.clock.advance(timedelta(minutes=5))
        await correspondence.tick()
        (sent,) = await correspondence.letters_with(case.case_id, "sent", seconds=60)
        assert sent.channel == "post"
    finally:
        os.killpg(restarted.pid, signal.SIGKILL)  # our own process group only
        restarted.wait(timeout=20)
