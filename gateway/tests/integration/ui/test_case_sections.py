"""The case page's Documenten and Rechtmatigheidsadvies sections, and the Parameters screen.

Documents: the real documents service in this process (its own database, moto_server as S3,
the cases from the cases service's events). The assessment: the real service in this process
(`services.running_assessment`: its own database, the cases from the cases service's events,
the customers from the gateway's, the Ockto simulator as Ockto); each test brings it where it
needs it through the service itself (Ockto's signed delivery through the gateway, its
parameters API) and decides through the UI. What the gateway asked it is noted on the way in
(`AssessmentService.asked`); every answer is the service's own.
"""

from __future__ import annotations

import asyncio
import io
import re
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pikepdf
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import select, text

from contracts.licences import Addon, Licence
from demodata.objectstore import MotoServer
from documents.__main__ import MIGRATIONS as DOCUMENTS_MIGRATIONS
from documents.main import create_app as create_documents_app
from documents.models import AccessLog
from documents.settings import DocumentsSettings
from servicekit.db import Database, drop_database
from servicekit.migrations import upgrade
from servicekit.testing import eventually, fresh_database

from ..services import (
    AssessmentService,
    OpenedCase,
    Services,
    running_assessment,
    served,
    staff,
)
from .conftest import MakeUser, UiApp, csrf_of, log_in

MAX_FILE_BYTES = 256 * 1024
SUBMITTED = date(2026, 11, 16)
"""The day the cases the assessment service sees were submitted: its default parameters apply
from 1 January 2026, and its reference period is the three months before (August-October)."""
WITHOUT_OCKTO = "0575"
"""Noordwijk: on licence Extra for one test (no Ockto, so no data session is requested)."""
FOUR_EYES = "1525"
"""Teylingen: a parameter version with four eyes on, for the four-eyes test."""


def pdf(*, script: bool = False) -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    if script:
        document.Root.OpenAction = document.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@dataclass
class Documents:
    app: FastAPI
    database: Database
    url: str
    """Where the assessment service stores Ockto's source documents (over HTTP)."""

    async def knows(self, case_id: uuid.UUID) -> None:
        """Wait until the documents service heard of the case (`cases.case.opened`)."""

        async def known() -> bool:
            async with self.database.sessions() as session:
                found = await session.execute(
                    text("SELECT 1 FROM known_cases WHERE id = :id"), {"id": case_id}
                )
                return found.scalar() is not None

        await eventually(known, seconds=30)

    async def accesses(self, case_id: uuid.UUID) -> list[tuple[str, str, str]]:
        """(action, actor, role) of the documents access log for a case, oldest first."""
        async with self.database.sessions() as session:
            rows = await session.execute(
                select(AccessLog.action, AccessLog.actor, AccessLog.role)
                .where(AccessLog.case_id == case_id)
                .order_by(AccessLog.id)
            )
            return [(row.action, row.actor, row.role) for row in rows]


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


@pytest.fixture(scope="module")
async def documents(
    postgres_server_url: str, amqp_url: str, moto: MotoServer
) -> AsyncIterator[Documents]:
    url = await fresh_database(postgres_server_url, "gw_ui_documents")
    await asyncio.to_thread(upgrade, DOCUMENTS_MIGRATIONS, url)
    suffix = uuid.uuid4().hex[:8]
    settings = DocumentsSettings(
        service_name=f"gwuidocuments{suffix}",
        database_url=url,
        amqp_url=amqp_url,
        environment="test",
        s3_endpoint=moto.url,
        evidence_bucket=f"gw-ui-evidence-{suffix}",
        letters_bucket=f"gw-ui-letters-{suffix}",
        public_base_url="http://gw",
        relay_poll_seconds=0.2,
        max_file_bytes=MAX_FILE_BYTES,
    )
    app = create_documents_app(settings)
    database = Database(url, pool_size=2)
    try:
        async with (
            LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
            served(app) as served_at,
        ):
            yield Documents(app, database, served_at)
    finally:
        await database.dispose()
        await drop_database(url)


@pytest.fixture(scope="module")
async def unheard_case(services: Services, documents: Documents) -> OpenedCase:
    """A case the cases service opened before the assessment service ran, so that the
    assessment never heard of it: as a case whose opening it has not processed yet."""
    case = await services.open_case("0553")
    await documents.knows(case.id)  # its `cases.case.opened` is out: the bus had no queue for
    return case  # the assessment service yet


@pytest.fixture(scope="module")
async def assessment_service(
    postgres_server_url: str, amqp_url: str, documents: Documents, unheard_case: OpenedCase
) -> AsyncIterator[AssessmentService]:
    async with running_assessment(
        postgres_server_url, amqp_url, documents_url=documents.url
    ) as running:
        yield running


@pytest.fixture
async def assessment(ui: UiApp, assessment_service: AssessmentService) -> AssessmentService:
    """The real assessment service behind this test's gateway, once it has the customers the
    gateway announced (`gateway.municipality.registered`)."""
    ui.use("assessment", assessment_service.for_gateway)
    assessment_service.asked.clear()
    await assessment_service.knows_municipalities("0534", "0553", WITHOUT_OCKTO, FOUR_EYES)
    return assessment_service


async def open_known_case(
    ui: UiApp, documents: Documents, municipality: str = "0553", **details: Any
) -> OpenedCase:
    """A case the cases service opened (submitted on `SUBMITTED`) and the documents service
    knows; the assessment service hears of it from the same event."""
    ui.use("documents", documents.app)
    case = await ui.services.open_case(municipality, submitted_on=SUBMITTED, **details)
    await documents.knows(case.id)
    return case


@pytest.fixture
async def known_case(ui: UiApp, documents: Documents, assessment: AssessmentService) -> OpenedCase:
    """A case in Lisse (0553) of a single resident that the cases, documents and assessment
    services know."""
    return await open_known_case(ui, documents, children=0)


async def advised(
    ui: UiApp,
    assessment: AssessmentService,
    case: OpenedCase,
    municipality: str = "0553",
    *,
    change: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """The resident consented at Ockto: once the service invited them (the session requested
    when the case opened), Ockto's delivery through the gateway's callback; the service's
    assessment once it advised and stored the source document at the documents service."""
    session_id = await assessment.invited(case.id, municipality)
    delivered = await assessment.deliver(ui.http, session_id, change=change)
    assert delivered.status_code == 200, delivered.text
    return await assessment.until(
        case.id,
        municipality,
        lambda view: (
            view["advice"] is not None
            and all(d["state"] == "stored" for source in view["data"] for d in source["documents"])
        ),
    )


async def _upload(
    ui: UiApp, case: OpenedCase, content: bytes, *, kind: str = "payslip", name: str = "a.pdf"
) -> httpx.Response:
    page = await ui.http.get(f"/ui/cases/{case.id}")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text)
    assert key is not None, "the upload form"
    return await ui.http.post(
        f"/ui/cases/{case.id}/documenten",
        data={"kind": kind, "csrf_token": csrf_of(page), "idempotency_key": key.group(1)},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=True,
    )


def _section(page: str, heading_id: str) -> str:
    """The HTML of one section of the case page (from its heading to the section's end)."""
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


async def test_a_behandelaar_adds_a_document_received_by_post_and_downloads_it(
    ui: UiApp, make_user: MakeUser, documents: Documents, known_case: OpenedCase
) -> None:
    account = await make_user("isd-bollenstreek", "behandelaar")
    await log_in(ui.http, account)
    before = await ui.http.get(f"/ui/cases/{known_case.id}")
    assert "Nog geen documenten." in _section(before.text, "documenten-kop")
    content = pdf()

    added = await _upload(ui, known_case, content, kind="bank_statement", name="afschrift mei.pdf")

    assert added.status_code == 200, added.text
    assert "Het document is toegevoegd." in added.text
    listing = _section(added.text, "documenten-kop")
    for expected in ("Bankafschrift", "afschrift mei.pdf", "Medewerker"):
        assert expected in listing
    link = re.search(r'href="(/ui/documenten/[0-9a-f-]{36})"', listing)
    assert link is not None
    download = await ui.http.get(link.group(1))
    assert download.status_code == 200
    assert download.content == content
    assert "afschrift%20mei.pdf" in download.headers["content-disposition"]
    assert download.headers["cache-control"] == "no-store"
    assert download.headers.get_list("x-content-type-options") == ["nosniff"]
    actions = [action for action, _, _ in await documents.accesses(known_case.id)]
    assert actions[-1] == "document.downloaded"
    assert ("document.downloaded", f"user:{account.username}", "behandelaar") in (
        await documents.accesses(known_case.id)
    )


async def test_a_refused_file_shows_the_documents_services_dutch_reason(
    ui: UiApp, make_user: MakeUser, known_case: OpenedCase
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "beslisser"))

    script = await _upload(ui, known_case, pdf(script=True))
    large = await _upload(ui, known_case, b"%PDF-1.7\n" + b"0" * (MAX_FILE_BYTES + 10))
    text_file = await _upload(ui, known_case, b"gewoon een tekst\n", name="brief.txt")
    no_kind = await _upload(ui, known_case, pdf(), kind="")

    assert script.status_code == 422
    assert "Deze PDF bevat een script of een actie die iets start." in script.text
    assert 'id="document_file-fout"' in script.text
    assert "Het document is niet opgeslagen." in script.text
    assert large.status_code == 413
    assert "Het bestand is groter dan" in large.text
    assert text_file.status_code == 415
    assert "Dit bestand kunnen wij niet aannemen" in text_file.text
    assert no_kind.status_code == 400
    assert "Kies wat voor document het is." in no_kind.text
    assert "Nog geen documenten." in _section(no_kind.text, "documenten-kop")


async def test_each_role_sees_the_sections_its_permissions_allow(
    ui: UiApp, make_user: MakeUser, known_case: OpenedCase, assessment: AssessmentService
) -> None:
    assert (await advised(ui, assessment, known_case))["advice"]["advice"] == "grant"
    reader = httpx.AsyncClient(transport=httpx.ASGITransport(app=ui.app), base_url="http://gw")
    auditor = httpx.AsyncClient(transport=httpx.ASGITransport(app=ui.app), base_url="http://gw")
    async with reader, auditor:
        await log_in(reader, await make_user("isd-bollenstreek", "raadpleger"))
        await log_in(auditor, await make_user("isd-bollenstreek", "auditor"))
        as_reader = await reader.get(f"/ui/cases/{known_case.id}")
        as_auditor = await auditor.get(f"/ui/cases/{known_case.id}")
        refused = await reader.post(
            f"/ui/cases/{known_case.id}/documenten",
            data={"kind": "payslip", "csrf_token": csrf_of(as_reader)},
            files={"file": ("a.pdf", pdf())},
        )

    assert "Documenten" in as_reader.text
    assert "Document toevoegen" not in as_reader.text
    assert "Toekennen" in _section(as_reader.text, "advies-kop")
    assert "Opnieuw uitnodigen" not in as_reader.text
    assert "Besluit vastleggen" not in as_reader.text
    assert "Er is nog geen besluit." in as_reader.text
    assert refused.status_code == 403
    assert as_auditor.status_code == 200
    assert 'id="documenten-kop"' not in as_auditor.text
    assert 'id="advies-kop"' not in as_auditor.text
    assert [asked.path for asked in assessment.asked].count(
        f"/cases/{known_case.id}/assessment"
    ) == 1, "the auditor's page asks the assessment nothing"


def _higher_wages(body: dict[str, Any]) -> None:
    """Ockto found higher wages than the simulator's scenario has: EUR 1,750 net a month."""
    for income in body["incomes"]:
        if income["kind"] == "wages":
            income["net_amount"], income["gross_amount"] = 1750.0, 2117.5


async def test_the_advice_shows_its_figures_explanation_version_and_data_per_source(
    ui: UiApp, make_user: MakeUser, known_case: OpenedCase, assessment: AssessmentService
) -> None:
    given = await advised(ui, assessment, known_case, change=_higher_wages)
    assert given["advice"]["advice"] == "reject"
    await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))

    page = await ui.http.get(f"/ui/cases/{known_case.id}")

    advice = _section(page.text, "advies-kop")
    assert 'class="advice-result advice-result--reject"' in advice
    assert "Advies: <strong>Afwijzen</strong>" in advice
    for expected in (
        "Reden: inkomen boven de grens",
        "Daarom is het advies: afwijzen.",
        "€ 1.890,00",
        "€ 1.681,80",
        "120% van de bijstandsnorm",
        "€ 8.000,00",
        "alleenstaande, onder de pensioenleeftijd",
        "01-08-2026 tot en met 31-10-2026",
        "Geldig vanaf 01-01-2026 (Standaardversie",
        f"/ui/parameters/0553#versie-{given['advice']['parameter_version_id']}",
        "Ockto",
        "Schoonmaakbedrijf De Maas B.V.",
        "€ 1.750,00 per maand",
        "Spaarrekening",
        "€ 2.150,00",
        "Belastingdienst, UWV, MijnOverheid, Bank",
        "Inkomensverklaring (opgeslagen bij de documenten)",
        "Gegevens ontvangen",
        "Opnieuw uitnodigen",
    ):
        assert expected in advice, expected
    assert "Besluit vastleggen" not in advice, "a behandelaar does not decide"


@pytest.fixture
async def without_ockto(assessment: AssessmentService) -> AsyncIterator[str]:
    """Noordwijk on licence Extra (without Ockto) for one test, then on Premium again."""
    await assessment.licence(WITHOUT_OCKTO, Licence.EXTRA)
    yield WITHOUT_OCKTO
    await assessment.licence(WITHOUT_OCKTO, Licence.PREMIUM, (Addon.RECHTMATIGHEID,))


async def test_without_data_the_section_says_so_in_a_plain_sentence(
    ui: UiApp,
    make_user: MakeUser,
    documents: Documents,
    unheard_case: OpenedCase,
    assessment: AssessmentService,
    without_ockto: str,
) -> None:
    other = await open_known_case(ui, documents, without_ockto)
    await assessment.until(other.id, without_ockto, lambda view: True)
    await log_in(ui.http, await make_user("isd-bollenstreek", "beslisser"))

    unknown = await ui.http.get(f"/ui/cases/{unheard_case.id}")
    empty = await ui.http.get(f"/ui/cases/{other.id}")

    assert unknown.status_code == empty.status_code == 200
    section = _section(unknown.text, "advies-kop")
    assert "Voor deze case zijn nog geen gegevens voor het advies." in section
    assert 'role="alert"' not in section
    section = _section(empty.text, "advies-kop")
    assert "Er is nog geen advies: er zijn nog geen inkomens- en vermogensgegevens" in section
    assert "Er is nog geen gegevenssessie gestart." in section
    assert ">Uitnodigen</button>" in section
    assert "Verplicht: er is nog geen advies." in section
    assert 'role="alert"' not in section


async def test_opnieuw_uitnodigen_starts_a_data_session_by_hand(
    ui: UiApp, make_user: MakeUser, known_case: OpenedCase, assessment: AssessmentService
) -> None:
    await assessment.invited(known_case.id, "0553")
    account = await make_user("isd-bollenstreek", "behandelaar")
    page = await log_in(ui.http, account)

    again = await ui.http.post(
        f"/ui/cases/{known_case.id}/uitnodigen",
        data={"csrf_token": csrf_of(page)},
        follow_redirects=True,
    )
    without_token = await ui.http.post(f"/ui/cases/{known_case.id}/uitnodigen")

    assert again.status_code == 200
    assert "Er is een nieuwe gegevenssessie bij Ockto gestart" in again.text
    section = _section(again.text, "advies-kop")
    assert "Uitgenodigd: wacht op de inwoner" in section
    assert "met de hand door Test Gebruiker" in section  # the account's display name
    assert "Eerdere sessies: Vervallen" in section
    started = [asked for asked in assessment.asked if asked.method == "POST"]
    assert [(asked.method, asked.path) for asked in started] == [
        ("POST", f"/cases/{known_case.id}/data-sessions")
    ]
    assert started[0].principal is not None
    assert started[0].principal.subject == f"user:{account.username}"
    assert without_token.status_code == 403
    sessions = (await assessment.until(known_case.id, "0553", lambda view: True))["sessions"]
    assert [(s["state"], s["trigger"], s["started_by"]) for s in sessions] == [
        ("cancelled", "automatic", "system"),
        ("invited", "manual", f"user:{account.username}"),
    ]


async def test_a_beslisser_decides_and_the_services_rules_show_next_to_the_fields(
    ui: UiApp, make_user: MakeUser, known_case: OpenedCase, assessment: AssessmentService
) -> None:
    assert (await advised(ui, assessment, known_case))["advice"]["advice"] == "grant"
    account = await make_user("isd-bollenstreek", "beslisser")
    page = await log_in(ui.http, account)
    token = csrf_of(page)
    url = f"/ui/cases/{known_case.id}/besluit"

    nothing = await ui.http.post(url, data={"csrf_token": token})
    no_reason = await ui.http.post(url, data={"csrf_token": token, "outcome": "rejected"})
    no_motivation = await ui.http.post(
        url, data={"csrf_token": token, "outcome": "rejected", "reasons": ["income_too_high"]}
    )
    custom_without_text = await ui.http.post(
        url,
        data={
            "csrf_token": token,
            "outcome": "rejected",
            "reasons": ["custom"],
            "motivation": "Toch afwijzen",
        },
    )
    granted = await ui.http.post(
        url, data={"csrf_token": token, "outcome": "granted"}, follow_redirects=True
    )
    again = await ui.http.post(url, data={"csrf_token": token, "outcome": "granted"})

    assert nothing.status_code == 400
    assert "Kies toekennen of afwijzen." in nothing.text
    assert no_reason.status_code == 422
    assert 'id="decision_reasons-fout"' in no_reason.text
    assert "Geef minstens één reden (inkomen te hoog, vermogen te hoog, aangepast)" in (
        no_reason.text
    )
    assert 'value="rejected" checked' in no_reason.text, "the choice is kept"
    assert no_motivation.status_code == 422
    assert 'id="motivation-fout"' in no_motivation.text
    assert "Het besluit wijkt af van het advies (toekennen); geef een motivering" in (
        no_motivation.text
    )
    assert 'value="income_too_high" checked' in no_motivation.text
    assert custom_without_text.status_code == 422
    assert 'id="custom_reason-fout"' in custom_without_text.text
    assert "Toch afwijzen</textarea>" in custom_without_text.text
    assert granted.status_code == 200
    assert "Het besluit is vastgelegd." in granted.text
    decided = _section(granted.text, "advies-kop")
    assert "<strong>Toegekend</strong>, met ingang van 01-01-2027" in decided
    assert "Toekennen; het besluit volgt het advies" in decided
    assert "door Test Gebruiker" in decided
    assert "Besluit vastleggen" not in decided
    assert "Opnieuw uitnodigen" not in decided
    assert again.status_code == 409
    assert "Over deze zaak is al besloten." in again.text
    body = [asked.body for asked in assessment.asked if asked.path.endswith("/decision")][-2]
    assert body is not None
    assert '"outcome": "granted"' in body
    assert '"motivation": null' in body
    recorded = (await assessment.until(known_case.id, "0553", lambda view: True))["decision"]
    assert (recorded["outcome"], recorded["motivation"], recorded["decided_by"]) == (
        "granted",
        None,
        f"user:{account.username}",
    )


async def test_a_behandelaar_cannot_decide_and_four_eyes_sends_the_preparer_away(
    ui: UiApp, make_user: MakeUser, documents: Documents, assessment: AssessmentService
) -> None:
    four_eyes = await assessment.call(
        staff("functioneel_beheerder", FOUR_EYES),
        "POST",
        f"/municipalities/{FOUR_EYES}/parameters",
        {"valid_from": "2026-02-01", "four_eyes": True, "note": "Vier ogen vanaf februari"},
    )
    assert four_eyes.status_code == 201, four_eyes.text
    case = await open_known_case(ui, documents, FOUR_EYES, children=0)
    assert (await advised(ui, assessment, case, FOUR_EYES))["advice"]["advice"] == "grant"
    handler = await make_user("isd-bollenstreek", "behandelaar")
    decider = await make_user("isd-bollenstreek", "beslisser")
    second = httpx.AsyncClient(transport=httpx.ASGITransport(app=ui.app), base_url="http://gw")
    async with second:
        own = await log_in(second, decider)
        assigned = await second.post(
            f"/ui/cases/{case.id}/toewijzen",
            data={"csrf_token": csrf_of(own)},
            follow_redirects=True,
        )
        assert assigned.status_code == 200, assigned.text

        async def heard() -> bool:
            return await assessment.assignee(case.id) == f"user:{decider.username}"

        await eventually(heard, seconds=30)  # `cases.case.assigned`: the decider prepared it

        page = await log_in(ui.http, handler)
        refused = await ui.http.post(
            f"/ui/cases/{case.id}/besluit",
            data={"csrf_token": csrf_of(page), "outcome": "granted"},
        )
        assert refused.status_code == 403
        assert "Geen toegang" in refused.text

        shown = await second.get(f"/ui/cases/{case.id}")
        forced = await second.post(
            f"/ui/cases/{case.id}/besluit",
            data={"csrf_token": csrf_of(own), "outcome": "granted"},
        )
    assert "Vier ogen: u heeft deze case voorbereid" in shown.text
    assert "Besluit vastleggen" not in shown.text
    assert forced.status_code == 403
    assert "Het besluit is niet vastgelegd: Vier ogen: u heeft deze zaak voorbereid" in forced.text


async def test_services_that_are_down_leave_the_rest_of_the_case_page_working(
    ui: UiApp, make_user: MakeUser, known_case: OpenedCase
) -> None:
    ui.take_down("documents")
    ui.take_down("assessment")
    await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))

    page = await ui.http.get(f"/ui/cases/{known_case.id}")

    assert page.status_code == 200
    assert known_case.last_name in page.text
    assert "De documenten-dienst is op dit moment niet bereikbaar." in page.text
    assert "De rechtmatigheids-dienst is op dit moment niet bereikbaar." in page.text


async def test_parameters_show_the_versions_and_refuse_a_new_one_field_by_field(
    ui: UiApp, make_user: MakeUser, assessment: AssessmentService
) -> None:
    manager = await make_user("0534", "functioneel_beheerder")
    home = await log_in(ui.http, manager)
    assert 'href="/ui/parameters"' in home.text

    chosen = await ui.http.get("/ui/parameters", follow_redirects=True)
    before = await ui.http.get("/ui/parameters/0534?op=2025-06-01")
    token = csrf_of(chosen)
    form = _form_values(chosen.text)
    unreadable = await ui.http.post(
        "/ui/parameters/0534",
        data={**form, "csrf_token": token, "norms.single_working_age": "veel"},
    )
    refused = await ui.http.post(
        "/ui/parameters/0534",
        data={
            **form,
            "csrf_token": token,
            "valid_from": "2025-07-01",
            "income_percentage": "500",
            "asset_limits.couple": "100,00",
        },
    )
    added = await ui.http.post(
        "/ui/parameters/0534",
        data={
            **form,
            "csrf_token": token,
            "valid_from": "2026-07-01",
            "income_percentage": "130",
            "note": "Besluit college 12 juni 2026",
        },
        follow_redirects=True,
    )
    applies = await ui.http.get("/ui/parameters/0534?op=2026-08-15")

    assert str(chosen.url).endswith("/ui/parameters/0534")
    assert "<h1>Parameters Hillegom</h1>" in chosen.text
    assert "120% van de bijstandsnorm" in chosen.text
    assert "Standaardversie" in chosen.text
    # Before its first version the service applies that first one (`repository.applicable`).
    assert "Op 01-06-2025 geldt de versie vanaf 01-01-2026." in before.text
    assert unreadable.status_code == 400
    assert 'id="p-norms-single-working-age-fout"' in unreadable.text
    assert "Vul een bedrag in, bijvoorbeeld 1401,50." in unreadable.text
    assert refused.status_code == 422
    assert "Moet tussen 10 en 300 procent liggen." in refused.text
    assert 'id="p-income-percentage-fout"' in refused.text
    assert "Overlapt met de versie die geldt vanaf 2026-01-01" in refused.text
    assert 'id="asset_limits-fout"' in refused.text or 'id="p-asset-limits-couple-fout"' in (
        refused.text
    )
    assert "Mag niet lager zijn dan de grens voor een alleenstaande." in refused.text
    assert 'value="500"' in refused.text, "what was typed is shown again"
    assert added.status_code == 200
    assert "De nieuwe versie is opgeslagen." in added.text
    assert "130% van de bijstandsnorm" in added.text
    assert "Besluit college 12 juni 2026" in added.text
    assert "Op 15-08-2026 geldt de versie vanaf 01-07-2026." in applies.text
    sent = [asked.path for asked in assessment.asked if asked.method == "POST"]
    assert sent == ["/municipalities/0534/parameters"] * 2, "the unreadable form never reached it"


async def test_a_behandelaar_reads_the_parameters_without_the_form(
    ui: UiApp, make_user: MakeUser, assessment: AssessmentService
) -> None:
    page = await log_in(ui.http, await make_user("0534", "behandelaar"))
    assert 'href="/ui/parameters"' not in page.text

    shown = await ui.http.get("/ui/parameters/0534")
    refused = await ui.http.post("/ui/parameters/0534", data={"csrf_token": csrf_of(page)})
    outside = await ui.http.get("/ui/parameters/0363")

    assert shown.status_code == 200
    assert "Standaardversie" in shown.text
    assert "Versie toevoegen" not in shown.text
    assert refused.status_code == 403
    assert outside.status_code == 404


def _form_values(page: str) -> dict[str, str | list[str]]:
    """The add-version form's prefilled values, as a browser would send them."""
    form = page[page.index('action="/ui/parameters/') :]
    values: dict[str, str | list[str]] = {}
    for tag in re.findall(r"<input [^>]+>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name is None or name.group(1) == "csrf_token" or value is None:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio") and " checked" not in tag:
            continue
        if (
            kind
            and kind.group(1) == "checkbox"
            and name.group(1)
            not in (
                "holiday_pay_included",
                "asset_test",
                "four_eyes",
            )
        ):
            existing = values.setdefault(name.group(1), [])
            assert isinstance(existing, list)
            existing.append(value.group(1))
        else:
            values[name.group(1)] = value.group(1)
    return values
