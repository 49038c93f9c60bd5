"""The correspondence screens: the case's Brieven (letters, bounces, schedules, informatie
opvragen, the beslisser's decision letter) and Sjablonen (list, editor, preview, save, Word),
campaigns and the print batch.

Behind the gateway runs the real correspondence service (`services.running_correspondence`: its
own database, the session's broker, e-mail to an aiosmtpd catcher). It learns of cases from the
cases service's `cases.case.opened`; the invitation and the decision letter follow from the
assessment's `assessment.data_session.started` and `assessment.decision.recorded`, published on
the bus as the assessment service publishes them; re-examination cases from intake's
`intake.re_examination.requested`; a bounce is the mail server's DSN; templates, consent and a
campaign's start go through its own API. What the gateway asked it is noted by a pass-through
recorder.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from cases.models import Case
from contracts.assessment import DataSessionStarted, DecisionRecorded
from contracts.household import Address, Adult, Household
from contracts.intake import ReExaminationRequested
from contracts.licences import Licence
from contracts.organisations import LicenceChanged
from correspondence.letters.channels import NO_ADDRESS
from correspondence.sending.bounces import sample_dsn
from correspondence.settings import DEVELOPMENT_BOUNCE_SECRET
from demodata.mailcatcher import MailCatcher
from servicekit.testing import eventually

from ..services import (
    CorrespondenceService,
    OpenedCase,
    running_correspondence,
    staff,
)
from .conftest import MakeUser, UiApp, csrf_of, log_in

AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # the day and term the screens show are local

CHANGED = "Het sjabloon is gewijzigd sinds de voorvertoning. Bekijk de brief opnieuw."
UNKNOWN_FIELD = "Onbekend samenvoegveld: $ONBEKEND$. Zie de lijst met velden voor de juiste namen."
MUNICIPALITY = "0553"
WORD_LETTER = (
    Path(__file__).resolve().parents[4]
    / "services"
    / "correspondence"
    / "tests"
    / "data"
    / "brief-besluit-toekenning.docx"
)
ADDRESS = Address(street="Heereweg", house_number=12, postal_code="2161 AB", city="Lisse")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def smtp() -> Iterator[MailCatcher]:
    catcher = MailCatcher(port=free_port()).start()
    yield catcher
    catcher.stop()


@pytest.fixture(scope="module")
async def correspondence_service(
    postgres_server_url: str, amqp_url: str, smtp: MailCatcher
) -> AsyncIterator[CorrespondenceService]:
    async with running_correspondence(
        postgres_server_url, amqp_url, smtp_port=smtp.port
    ) as running:
        yield running


@pytest.fixture
async def correspondence(
    ui: UiApp, correspondence_service: CorrespondenceService, smtp: MailCatcher
) -> AsyncIterator[CorrespondenceService]:
    """The real correspondence service behind this test's gateway, once it has the customers
    the gateway announced (`gateway.municipality.registered`)."""
    ui.use("correspondence", correspondence_service.for_gateway)
    correspondence_service.asked.clear()
    smtp.hook = None
    await correspondence_service.knows_municipalities(MUNICIPALITY)
    yield correspondence_service
    smtp.hook = None


def _of(letters: list[dict[str, Any]], kind: str, status: str, channel: str | None = None) -> bool:
    return any(
        item["kind"] == kind
        and item["status"] == status
        and (channel is None or item["channel"] == channel)
        for item in letters
    )


@pytest.fixture
async def case_with_letters(
    ui: UiApp, correspondence: CorrespondenceService, smtp: MailCatcher
) -> OpenedCase:
    """A case in Lisse applied for with an e-mail address and no postal address: its
    acknowledgement sent; the data invitation sent and then bounced (the DSN), so the same
    letter by post could not go (no address); an information request's e-mail waiting for
    another attempt (the mail server answered 451); the decision letter drafted."""
    email = f"jan.{uuid.uuid4().hex[:8]}@example.org"
    case = await ui.services.open_case(MUNICIPALITY, email=email)
    await correspondence.letters(
        case.id, MUNICIPALITY, lambda ls: _of(ls, "acknowledgement", "sent")
    )

    now = datetime.now(UTC)
    await correspondence.publish(
        DataSessionStarted(
            session_id=uuid.uuid4().hex,
            case_id=case.id,
            municipality_code=MUNICIPALITY,
            url="https://ockto.example/sessie/abc",
            expires_at=now + timedelta(days=14),
            trigger="automatic",
            started_by="system",
            started_at=now,
        )
    )
    letters = await correspondence.letters(
        case.id, MUNICIPALITY, lambda ls: _of(ls, "data_invitation", "sent")
    )
    invitation = next(item for item in letters if item["kind"] == "data_invitation")
    bounced = await correspondence.call(
        staff("behandelaar", MUNICIPALITY),
        "POST",
        "/bounces",
        content=sample_dsn(message_id=invitation["message_id"], recipient=email),
        headers={"X-Bounce-Token": DEVELOPMENT_BOUNCE_SECRET},
    )
    assert bounced.status_code == 200, bounced.text
    await correspondence.letters(
        case.id,
        MUNICIPALITY,
        lambda ls: (
            _of(ls, "data_invitation", "bounced") and _of(ls, "data_invitation", "failed", "post")
        ),
    )

    smtp.hook = lambda envelope, session: "451 4.3.0 Probeer het later opnieuw"
    asked = await correspondence.call(
        staff("behandelaar", MUNICIPALITY),
        "POST",
        f"/cases/{case.id}/information-requests",
        {"items": ["Loonstrook"], "term_days": 14, "message": None},
    )
    assert asked.status_code == 201, asked.text
    await correspondence.letters(
        case.id, MUNICIPALITY, lambda ls: _of(ls, "information_request", "retry")
    )
    smtp.hook = None

    await correspondence.publish(
        DecisionRecorded(
            decision_id=uuid.uuid4(),
            case_id=case.id,
            municipality_code=MUNICIPALITY,
            outcome="granted",
            basis="assessment",
            effective_from=date(2027, 1, 1),
            decided_by="user:beslisser@isd-bollenstreek",
            decided_at=now,
        )
    )
    await correspondence.letters(
        case.id, MUNICIPALITY, lambda ls: _of(ls, "decision_granted", "draft")
    )
    return case


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


async def test_the_brieven_section_lists_letters_status_errors_bounces_and_schedules(
    ui: UiApp,
    make_user: MakeUser,
    correspondence: CorrespondenceService,
    case_with_letters: OpenedCase,
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))

    page = await ui.http.get(f"/ui/cases/{case_with_letters.id}")

    assert page.status_code == 200
    letters = _section(page.text, "brieven-kop")
    for expected in (
        "Ontvangstbevestiging",
        "Uitnodiging gegevens aanleveren",
        "Verzoek om informatie",
        "Besluit: toegekend",
        "E-mail",
        "Post",
        "Verzonden",
        "Opnieuw proberen",
        "de mailserver weigerde het bericht (451 4.3.0 Probeer het later opnieuw)",
        "Volgende poging:",
        "Niet verzonden",
        NO_ADDRESS,
        "Onbestelbaar",
        "550 5.1.1 user unknown",
        "Concept (wacht op akkoord)",
        "Herinnering:",
        "Einde hersteltermijn:",
        "Sjabloon: standaard",
        "Sjabloon: versie 1",
        "Informatie opvragen",
    ):
        assert expected in letters, expected
    known = await correspondence.correspondence(case_with_letters.id, MUNICIPALITY)
    assert known is not None
    pending = [
        s for s in known["schedules"] if s["kind"] == "reminder" and s["status"] == "pending"
    ]
    assert letters.count("Herinnering:") == len(pending), "only the pending schedules"
    assert "Akkoord en verzenden" not in letters, "a behandelaar does not decide"
    assert not [path for path in correspondence.paths() if path.endswith("/decision-letter")]
    mail = re.search(r'href="(/ui/brieven/[0-9a-f-]{36}/inhoud\?vorm=html)"', letters)
    assert mail is not None
    html = await ui.http.get(mail.group(1).replace("&amp;", "&"))
    assert html.status_code == 200
    assert "<html" in html.text.lower()
    assert any("sandbox" in value for value in html.headers.get_list("content-security-policy"))
    assert correspondence.paths()[-1].endswith("/content")
    never_made = re.search(r'href="(/ui/brieven/[0-9a-f-]{36}/inhoud\?vorm=pdf)"', letters)
    assert never_made is not None, "the letter by post that could not go"
    missing = await ui.http.get(never_made.group(1))
    assert missing.status_code == 404
    assert "Deze brief heeft (nog) geen inhoud in die vorm." in missing.text


async def test_a_behandelaar_requests_information_with_a_term(
    ui: UiApp,
    make_user: MakeUser,
    correspondence: CorrespondenceService,
    case_with_letters: OpenedCase,
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))
    page = await ui.http.get(f"/ui/cases/{case_with_letters.id}")
    assert 'value="14"' in _section(page.text, "brieven-kop"), "the default term"
    url = f"/ui/cases/{case_with_letters.id}/informatie-opvragen"

    empty = await ui.http.post(
        url, data={"items": "  \n ", "term_days": "14", "csrf_token": csrf_of(page)}
    )
    too_long = await ui.http.post(
        url, data={"items": "Loonstrook", "term_days": "120", "csrf_token": csrf_of(page)}
    )
    done = await ui.http.post(
        url,
        data={
            "items": "Loonstrook oktober\r\n\r\nBankafschrift november\n",
            "term_days": "",
            "message": "Graag binnen de termijn.",
            "csrf_token": csrf_of(page),
        },
        follow_redirects=True,
    )

    assert empty.status_code == 400
    assert 'id="request_items-fout"' in empty.text
    assert "De informatie is niet opgevraagd." in empty.text
    assert too_long.status_code == 400
    assert "van 1 tot en met 90" in too_long.text
    assert done.status_code == 200, done.text
    assert "Het verzoek om informatie is verstuurd" in done.text
    sent = [asked for asked in correspondence.asked if asked.method == "POST"]
    assert len(sent) == 1
    assert json.loads(sent[0].body or "") == {
        "items": ["Loonstrook oktober", "Bankafschrift november"],
        "term_days": 14,
        "message": "Graag binnen de termijn.",
    }
    section = _section(done.text, "brieven-kop")
    assert "Loonstrook oktober" in section
    last_day = (datetime.now(AMSTERDAM).date() + timedelta(days=14)).strftime("%d-%m-%Y")
    assert last_day in section, "the term's last day"


async def test_a_beslisser_views_and_approves_the_decision_letter(
    ui: UiApp,
    make_user: MakeUser,
    correspondence: CorrespondenceService,
    case_with_letters: OpenedCase,
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "beslisser"))
    page = await ui.http.get(f"/ui/cases/{case_with_letters.id}")
    section = _section(page.text, "brieven-kop")
    assert "Besluitbrief bekijken" in section
    assert "Akkoord en verzenden" in section
    version = re.search(r'name="version_post" value="([0-9a-f-]{36})"', section)
    assert version is not None, "the preview's template version goes with the approval"

    preview = await ui.http.get(f"/ui/cases/{case_with_letters.id}/besluitbrief")
    assert preview.status_code == 200
    assert preview.content.startswith(b"%PDF")

    # A template saved since the preview (through the service's own API): it refuses, says why.
    saved = await correspondence.call(
        staff("functioneel_beheerder", MUNICIPALITY),
        "PUT",
        f"/municipalities/{MUNICIPALITY}/templates/decision_granted/post",
        {"subject": "Besluit op uw aanvraag", "body": "<p>$AANVRAAGNUMMER$</p>"},
    )
    assert saved.status_code == 201, saved.text
    refused = await ui.http.post(
        f"/ui/cases/{case_with_letters.id}/besluitbrief/verzenden",
        data={"version_post": version.group(1), "csrf_token": csrf_of(page)},
    )
    assert refused.status_code == 409
    assert CHANGED in refused.text
    assert "De besluitbrief is niet verzonden." in refused.text

    again = await ui.http.get(f"/ui/cases/{case_with_letters.id}")
    current = re.search(r'name="version_post" value="([0-9a-f-]{36})"', again.text)
    assert current is not None
    assert current.group(1) == saved.json()["id"]
    sent = await ui.http.post(
        f"/ui/cases/{case_with_letters.id}/besluitbrief/verzenden",
        data={"version_post": current.group(1), "csrf_token": csrf_of(again)},
        follow_redirects=True,
    )
    assert sent.status_code == 200
    assert "de besluitbrief wordt verzonden" in sent.text
    assert "Akkoord en verzenden" not in sent.text
    body = [a.body for a in correspondence.asked if a.path.endswith("/send")][-1]
    assert json.loads(body or "") == {"template_versions": {"post": current.group(1)}}


async def test_roles_and_a_service_that_is_down(
    ui: UiApp,
    make_user: MakeUser,
    correspondence: CorrespondenceService,
    case_with_letters: OpenedCase,
) -> None:
    reader = httpx.AsyncClient(transport=httpx.ASGITransport(app=ui.app), base_url="http://gw")
    auditor = httpx.AsyncClient(transport=httpx.ASGITransport(app=ui.app), base_url="http://gw")
    async with reader, auditor:
        await log_in(reader, await make_user("isd-bollenstreek", "raadpleger"))
        await log_in(auditor, await make_user("isd-bollenstreek", "auditor"))
        as_reader = await reader.get(f"/ui/cases/{case_with_letters.id}")
        as_auditor = await auditor.get(f"/ui/cases/{case_with_letters.id}")
        refused = await reader.post(
            f"/ui/cases/{case_with_letters.id}/informatie-opvragen",
            data={"items": "Loonstrook", "csrf_token": csrf_of(as_reader)},
        )
        not_sent = await reader.post(
            f"/ui/cases/{case_with_letters.id}/besluitbrief/verzenden",
            data={"csrf_token": csrf_of(as_reader)},
        )
        ui.take_down("correspondence")
        down = await reader.get(f"/ui/cases/{case_with_letters.id}")

    section = _section(as_reader.text, "brieven-kop")
    assert "Ontvangstbevestiging" in section
    assert 'action="/ui/cases/' not in section, "a raadpleger has no forms here"
    assert refused.status_code == 403
    assert not_sent.status_code == 403
    assert 'id="brieven-kop"' not in as_auditor.text
    assert down.status_code == 200
    assert "De correspondentie-dienst is op dit moment niet bereikbaar." in _section(
        down.text, "brieven-kop"
    )
    assert "Huishouden" in down.text


async def test_the_functioneel_beheerder_edits_previews_and_saves_a_template(
    ui: UiApp,
    make_user: MakeUser,
    correspondence: CorrespondenceService,
) -> None:
    case = await ui.services.open_case(MUNICIPALITY)
    await log_in(ui.http, await make_user("isd-bollenstreek", "functioneel_beheerder"))
    overview = await ui.http.get("/ui/")
    assert 'href="/ui/sjablonen"' in overview.text

    listing = await ui.http.get(f"/ui/sjablonen/{MUNICIPALITY}")
    assert listing.status_code == 200
    assert "Besluit: afgewezen" in listing.text
    assert "Standaard (versie 0)" in listing.text
    editor_url = f"/ui/sjablonen/{MUNICIPALITY}/decision_rejected/post"
    editor = await ui.http.get(editor_url)
    assert editor.status_code == 200
    assert "$AANVRAAGNUMMER$" in editor.text
    assert "nummer van de aanvraag of het heronderzoek" in editor.text
    default = await correspondence.call(
        staff("behandelaar", MUNICIPALITY),
        "GET",
        f"/municipalities/{MUNICIPALITY}/templates/decision_rejected/post",
    )
    assert default.json()["is_default"]
    assert escape(default.json()["body"], quote=False) in editor.text, "the default in the editor"
    assert "Word-brief uploaden" in editor.text

    refused = await ui.http.post(
        editor_url,
        data={"subject": "Besluit", "body": "<p>$ONBEKEND$</p>", "csrf_token": csrf_of(editor)},
    )
    assert refused.status_code == 422
    assert 'id="body-fout"' in refused.text
    assert UNKNOWN_FIELD in refused.text
    assert "&lt;p&gt;$ONBEKEND$&lt;/p&gt;" in refused.text, "what was typed stays"

    previewed = await ui.http.post(
        f"{editor_url}/voorbeeld",
        data={
            "subject": "Besluit",
            "body": "<p>$AANVRAAGNUMMER$</p>",
            "case": case.application_number,
            "csrf_token": csrf_of(editor),
        },
    )
    assert previewed.status_code == 200, previewed.text
    assert "<iframe" in previewed.text
    assert "sandbox" in previewed.text
    assert case.application_number in previewed.text, "the real case merged in"
    asked = [a.body for a in correspondence.asked if a.path.endswith("/preview")][-1]
    assert json.loads(asked or "") == {
        "case_id": str(case.id),
        "body": "<p>$AANVRAAGNUMMER$</p>",
        "subject": "Besluit",
    }
    unknown_case = await ui.http.post(
        f"{editor_url}/voorbeeld",
        data={"case": "GV-2026-9999999", "csrf_token": csrf_of(editor)},
    )
    assert unknown_case.status_code == 422
    assert "Geen case met nummer GV-2026-9999999 bij deze gemeente." in unknown_case.text
    pdf = await ui.http.post(
        f"{editor_url}/voorbeeld.pdf",
        data={"case": str(case.id), "csrf_token": csrf_of(editor)},
    )
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")

    saved = await ui.http.post(
        editor_url,
        data={
            "subject": "Besluit",
            "body": "<p>$AANVRAAGNUMMER$</p>",
            "csrf_token": csrf_of(editor),
        },
        follow_redirects=True,
    )
    assert saved.status_code == 200
    assert "Het sjabloon is opgeslagen als nieuwe versie." in saved.text
    latest = await correspondence.call(
        staff("behandelaar", MUNICIPALITY),
        "GET",
        f"/municipalities/{MUNICIPALITY}/templates/decision_rejected/post",
    )
    assert latest.json()["body"] == "<p>$AANVRAAGNUMMER$</p>"
    assert not latest.json()["is_default"]
    assert f"Versie {latest.json()['version']}" in saved.text

    word = await ui.http.post(
        f"{editor_url}/word",
        data={"word_subject": "Besluit", "csrf_token": csrf_of(editor)},
        files={"file": ("besluit.docx", WORD_LETTER.read_bytes(), "application/octet-stream")},
        follow_redirects=True,
    )
    assert word.status_code == 200
    assert "De Word-brief is opgeslagen als nieuwe versie." in word.text
    uploaded = await correspondence.call(
        staff("behandelaar", MUNICIPALITY),
        "GET",
        f"/municipalities/{MUNICIPALITY}/templates/decision_rejected/post",
    )
    assert (uploaded.json()["format"], uploaded.json()["file_name"]) == ("docx", "besluit.docx")
    not_word = await ui.http.post(
        f"{editor_url}/word",
        data={"csrf_token": csrf_of(editor)},
        files={"file": ("besluit.docx", b"geen zip", "application/octet-stream")},
    )
    assert not_word.status_code == 422
    assert "Dit bestand is geen Word-document (.docx)." in not_word.text
    assert 'id="word_file-fout"' in not_word.text


async def test_a_behandelaar_reads_templates_but_does_not_save(
    ui: UiApp, make_user: MakeUser, correspondence: CorrespondenceService
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))
    overview = await ui.http.get("/ui/")
    editor = await ui.http.get(f"/ui/sjablonen/{MUNICIPALITY}/acknowledgement/email")
    refused = await ui.http.post(
        f"/ui/sjablonen/{MUNICIPALITY}/acknowledgement/email",
        data={"subject": "x", "body": "<p>x</p>", "csrf_token": csrf_of(editor)},
    )
    outside = await ui.http.get("/ui/sjablonen/0363")

    assert 'href="/ui/sjablonen"' not in overview.text
    assert editor.status_code == 200
    assert "Opslaan als nieuwe versie" not in editor.text
    assert "readonly" in editor.text
    assert refused.status_code == 403
    assert outside.status_code == 404
    assert correspondence.paths("PUT") == []


@dataclass(frozen=True)
class Campaign:
    name: str
    cases: tuple[uuid.UUID, ...]
    by_email: uuid.UUID


@pytest.fixture
async def campaign(ui: UiApp, correspondence: CorrespondenceService, smtp: MailCatcher) -> Campaign:
    """A re-examination campaign in Lisse, started and running: intake's
    `ReExaminationRequested` made the cases service open two re-examination cases; Ockto
    sessions started for them (the assessment's event), so their invitations waited for the
    campaign; the municipality's own invitation saved; the campaign started through the
    service's API. Both letters by post went; the e-mail one resident agreed to waits for
    another attempt (the mail server answered 451), so the campaign still runs."""
    name = f"Heronderzoek {uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    import_id = uuid.uuid4()
    email = f"inwoner.{uuid.uuid4().hex[:8]}@example.org"
    for line in (2, 3):
        event = ReExaminationRequested(
            import_id=import_id,
            line=line,
            campaign=name,
            municipality_code=MUNICIPALITY,
            re_examination_key=f"{MUNICIPALITY}:{name}:{uuid.uuid4().hex}",
            household=Household(
                applicant=Adult(
                    bsn="111222333",
                    initials="P.",
                    last_name=f"Bakker{line}",
                    date_of_birth=date(1970, 5, line),
                    address=ADDRESS,
                ),
            ),
            children_count=0,
            email=email if line == 2 else None,
            requested_at=now,
        )
        await correspondence.publish(event)

    found: list[uuid.UUID] = []

    async def opened() -> bool:
        async with ui.services.cases_database.sessions() as session:
            ids = list(
                await session.scalars(
                    select(Case.id).where(Case.campaign == name).order_by(Case.application_number)
                )
            )
        found[:] = ids
        return len(ids) == 2

    await eventually(opened, seconds=30)
    cases = tuple(found)
    for case_id in cases:
        await correspondence.letters(case_id, MUNICIPALITY, lambda ls: True)
        consent = await correspondence.call(
            staff("behandelaar", MUNICIPALITY),
            "PUT",
            f"/cases/{case_id}/contact-preferences",
            {"email_allowed": {"re_examination_invitation": True}},
        )
        assert consent.status_code == 200, consent.text
        await correspondence.publish(
            DataSessionStarted(
                session_id=uuid.uuid4().hex,
                case_id=case_id,
                municipality_code=MUNICIPALITY,
                url="https://ockto.example/sessie/heronderzoek",
                expires_at=now + timedelta(days=14),
                trigger="automatic",
                started_by="system",
                started_at=now,
            )
        )
    for case_id in cases:
        await correspondence.letters(
            case_id, MUNICIPALITY, lambda ls: _of(ls, "re_examination_invitation", "held")
        )
    invitation = await correspondence.call(
        staff("functioneel_beheerder", MUNICIPALITY),
        "PUT",
        f"/municipalities/{MUNICIPALITY}/templates/re_examination_invitation/post",
        {"subject": "Uitnodiging heronderzoek", "body": "<p>Heronderzoek $AANVRAAGNUMMER$</p>"},
    )
    assert invitation.status_code == 201, invitation.text
    smtp.hook = lambda envelope, session: "451 4.3.0 Probeer het later opnieuw"
    started = await correspondence.call(
        staff("behandelaar", MUNICIPALITY), "POST", f"/campaigns/{MUNICIPALITY}/{name}"
    )
    assert started.status_code == 202, started.text
    by_email: list[uuid.UUID] = []
    for case_id in cases:
        letters = await correspondence.letters(
            case_id,
            MUNICIPALITY,
            lambda ls: (
                _of(ls, "re_examination_invitation", "sent", "post")
                and (
                    _of(ls, "re_examination_invitation", "retry", "email")
                    or not any(item["channel"] == "email" for item in ls)
                )
            ),
        )
        if any(item["channel"] == "email" for item in letters):
            by_email.append(case_id)
    assert len(by_email) == 1, "the one resident with an e-mail address who agreed"
    return Campaign(name, cases, by_email[0])


async def test_campaign_progress_pause_resume_and_the_print_batch(
    ui: UiApp, make_user: MakeUser, correspondence: CorrespondenceService, campaign: Campaign
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))
    overview = await ui.http.get("/ui/")
    assert 'href="/ui/campagnes"' in overview.text

    page = await ui.http.get(
        "/ui/campagnes", params={"gemeente": MUNICIPALITY, "campagne": campaign.name}
    )
    assert page.status_code == 200
    for expected in ("Loopt", "Totaal", "Post", "E-mail", ">2<", "Pauzeren"):
        assert expected in page.text, expected
    assert f"/campaigns/{MUNICIPALITY}/{campaign.name}" in correspondence.paths()
    paused = await ui.http.post(
        "/ui/campagnes/pauzeren",
        data={"gemeente": MUNICIPALITY, "campagne": campaign.name, "csrf_token": csrf_of(page)},
        follow_redirects=True,
    )
    assert paused.status_code == 200
    assert "De campagne is gepauzeerd." in paused.text
    assert "Gepauzeerd" in paused.text
    assert "Hervatten" in paused.text
    held = await correspondence.letters(
        campaign.by_email, MUNICIPALITY, lambda ls: _of(ls, "re_examination_invitation", "held")
    )
    assert [i["channel"] for i in held if i["status"] == "held"] == ["email"], "what had not gone"
    resumed = await ui.http.post(
        "/ui/campagnes/hervatten",
        data={"gemeente": MUNICIPALITY, "campagne": campaign.name, "csrf_token": csrf_of(page)},
        follow_redirects=True,
    )
    assert resumed.status_code == 200
    assert "Loopt" in resumed.text
    never_started = await ui.http.post(
        "/ui/campagnes/pauzeren",
        data={"gemeente": MUNICIPALITY, "campagne": "Bestaat niet", "csrf_token": csrf_of(page)},
    )
    assert never_started.status_code == 404
    assert "De campagne is niet gepauzeerd." in never_started.text
    unknown = await ui.http.get(
        "/ui/campagnes", params={"gemeente": MUNICIPALITY, "campagne": "Bestaat niet"}
    )
    assert "Nog niet gestart" in unknown.text

    today = datetime.now(AMSTERDAM).date().isoformat()
    batch = await ui.http.get("/ui/printbatches", params={"gemeente": MUNICIPALITY, "datum": today})
    assert batch.status_code == 200
    assert batch.content.startswith(b"%PDF")
    assert "attachment" in batch.headers["content-disposition"]
    none = await ui.http.get(
        "/ui/printbatches", params={"gemeente": MUNICIPALITY, "datum": "2001-01-02"}
    )
    assert none.status_code == 404
    assert "Geen brieven voor de post op 2001-01-02." in none.text
    assert 'id="print_datum-fout"' in none.text


def licence_set(licence: Licence) -> LicenceChanged:
    """What the gateway announces when an operator sets the municipality's licence."""
    return LicenceChanged(
        code=MUNICIPALITY, licence=licence, changed_by="operator", changed_at=datetime.now(UTC)
    )


async def test_a_smaller_licence_pauses_the_campaign_and_the_page_says_why(
    ui: UiApp, make_user: MakeUser, correspondence: CorrespondenceService, campaign: Campaign
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))
    await correspondence.publish(licence_set(Licence.EXTRA))
    pages: list[httpx.Response] = []

    async def paused() -> bool:
        page = await ui.http.get(
            "/ui/campagnes", params={"gemeente": MUNICIPALITY, "campagne": campaign.name}
        )
        pages.append(page)
        return "Gepauzeerd door het systeem." in page.text

    try:
        await eventually(paused, seconds=30)
        page = pages[-1]
        assert "De licentie van deze gemeente (Extra) omvat niet heronderzoeken" in page.text
        assert "Hervatten" in page.text
        refused = await ui.http.post(
            "/ui/campagnes/hervatten",
            data={
                "gemeente": MUNICIPALITY,
                "campagne": campaign.name,
                "csrf_token": csrf_of(page),
            },
        )
        assert refused.status_code == 403
        assert "daarvoor is de licentie Premium nodig" in refused.text
    finally:
        await correspondence.publish(licence_set(Licence.PREMIUM))


async def test_a_raadpleger_follows_a_campaign_but_does_not_pause_or_print(
    ui: UiApp, make_user: MakeUser, correspondence: CorrespondenceService, campaign: Campaign
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "raadpleger"))
    page = await ui.http.get(
        "/ui/campagnes", params={"gemeente": MUNICIPALITY, "campagne": campaign.name}
    )
    refused = await ui.http.post(
        "/ui/campagnes/pauzeren",
        data={"gemeente": MUNICIPALITY, "campagne": campaign.name, "csrf_token": csrf_of(page)},
    )
    batch = await ui.http.get(
        "/ui/printbatches",
        params={"gemeente": MUNICIPALITY, "datum": datetime.now(AMSTERDAM).date().isoformat()},
    )

    assert page.status_code == 200
    assert "Loopt" in page.text
    assert "Pauzeren" not in page.text
    assert "Printbatch downloaden" not in page.text
    assert refused.status_code == 403
    assert batch.status_code == 403
    assert correspondence.paths("POST") == []
