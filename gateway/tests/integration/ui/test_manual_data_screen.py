"""Gegevens handmatig invoeren: a behandelaar enters incomes and assets from the case's
documents; behind the gateway the real documents and assessment services (see
`test_case_sections`), which check the figures by the rules of a delivery and advise."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import text

from servicekit.testing import eventually

from ..services import AssessmentService, OpenedCase
from .conftest import MakeUser, UiApp, csrf_of, log_in
from .test_case_sections import (  # noqa: F401 - the real services as fixtures
    Documents,
    _section,
    _upload,
    assessment,
    assessment_service,
    documents,
    known_case,
    moto,
    pdf,
    unheard_case,
)

LINE = "income-applicant-0"


@pytest.fixture
async def case(known_case: OpenedCase, assessment: AssessmentService) -> OpenedCase:  # noqa: F811
    """A case of a single resident in Lisse that the assessment service knows."""
    await assessment.until(known_case.id, "0553", lambda view: True)
    return known_case


@pytest.fixture
def service(assessment: AssessmentService) -> AssessmentService:  # noqa: F811
    return assessment


async def _known_document(service: AssessmentService, case_id: uuid.UUID) -> str:
    """The id of the case's document once the assessment service heard of it."""
    found: list[str] = []

    async def known() -> bool:
        async with service.database.sessions() as session:
            rows = await session.execute(
                text("SELECT document_id FROM case_documents WHERE case_id = :id"), {"id": case_id}
            )
            found[:] = [str(row[0]) for row in rows]
        return bool(found)

    await eventually(known, seconds=30)
    return found[0]


def _wages(page: httpx.Response, amount: str, **more: str | list[str]) -> dict[str, object]:
    return {
        "csrf_token": csrf_of(page),
        f"{LINE}-kind": "wages",
        f"{LINE}-payer": "Bakkerij Van Dijk",
        f"{LINE}-amount": amount,
        f"{LINE}-frequency": "monthly",
        f"{LINE}-start": "2026-10-01",
        f"{LINE}-end": "2026-10-31",
        **more,
    }


async def test_a_behandelaar_enters_incomes_from_a_document_and_the_advice_follows(
    ui: UiApp, make_user: MakeUser, case: OpenedCase, service: AssessmentService
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))
    uploaded = await _upload(ui, case, pdf(), kind="payslip", name="loonstrook oktober.pdf")
    assert uploaded.status_code == 200, uploaded.text
    document_id = await _known_document(service, case.id)
    case_page = await ui.http.get(f"/ui/cases/{case.id}")
    assert "Er is nog geen advies" in _section(case_page.text, "advies-kop")
    assert f'href="/ui/cases/{case.id}/handmatig"' in _section(case_page.text, "advies-kop")

    form = await ui.http.get(f"/ui/cases/{case.id}/handmatig")
    assert form.status_code == 200, form.text
    assert "loonstrook oktober.pdf" in form.text
    assert "income-partner-0-kind" not in form.text, "no partner on the application"
    saved = await ui.http.post(
        f"/ui/cases/{case.id}/handmatig",
        data=_wages(
            form,
            "1.250,00",
            documents=[document_id],
            **{
                "asset-applicant-0-kind": "savings",
                "asset-applicant-0-institution": "ING",
                "asset-applicant-0-balance": "2.150,00",
                "asset-applicant-0-date": "2026-11-01",
            },
        ),
        follow_redirects=True,
    )

    assert saved.status_code == 200, saved.text
    assert saved.url.path == f"/ui/cases/{case.id}"
    advice = _section(saved.text, "advies-kop")
    assert "Advies: <strong>" in advice
    assert "Dit advies gebruikt gegevens die handmatig ingevoerd zijn." in advice
    assert "Handmatig ingevoerd" in advice
    assert "Bakkerij Van Dijk" in advice
    view = await service.view(case.id, "0553")
    assert view is not None
    assert view["advice"] is not None
    manual = [source for source in view["data"] if source["origin"] == "manual"]
    assert len(manual) == 1
    assert [income["net_amount"] for income in manual[0]["incomes"]] in (["1250.00"], [1250.0])
    correction = await ui.http.get(f"/ui/cases/{case.id}/handmatig")
    assert 'value="Bakkerij Van Dijk"' in correction.text, "a correction starts from the entry"
    assert 'value="1250,00"' in correction.text
    assert 'value="ING"' in correction.text
    put = [asked for asked in service.asked if asked.method == "PUT"]
    assert [asked.path for asked in put] == [f"/cases/{case.id}/manual-data"]


async def test_a_bad_amount_gets_a_dutch_message_next_to_the_field(
    ui: UiApp, make_user: MakeUser, case: OpenedCase, service: AssessmentService
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "behandelaar"))
    form = await ui.http.get(f"/ui/cases/{case.id}/handmatig")

    unreadable = await ui.http.post(f"/ui/cases/{case.id}/handmatig", data=_wages(form, "twaalf"))
    too_high = await ui.http.post(f"/ui/cases/{case.id}/handmatig", data=_wages(form, "300.000,00"))

    assert unreadable.status_code == 400
    assert f'id="{LINE}-amount-fout"' in unreadable.text
    assert "Vul een bedrag in euro&#39;s in, bijvoorbeeld 1.512,40." in unreadable.text
    assert 'value="twaalf"' in unreadable.text
    assert too_high.status_code == 422, "the service's own rule"
    assert f'id="{LINE}-amount-fout"' in too_high.text
    assert "Dit bedrag is onwaarschijnlijk hoog." in too_high.text
    for raw in ("net_amount", "incomes.0", "onwaarschijnlijk hoog\n"):
        assert raw not in too_high.text
    assert [asked.method for asked in service.asked].count("PUT") == 1, "only the second"
    view = await service.view(case.id, "0553")
    assert view is not None
    assert not [s for s in view["data"] if s["origin"] == "manual"]


async def test_a_raadpleger_cannot_open_the_form(
    ui: UiApp, make_user: MakeUser, case: OpenedCase, service: AssessmentService
) -> None:
    await log_in(ui.http, await make_user("isd-bollenstreek", "raadpleger"))
    page = await ui.http.get(f"/ui/cases/{case.id}")

    form = await ui.http.get(f"/ui/cases/{case.id}/handmatig")
    posted = await ui.http.post(f"/ui/cases/{case.id}/handmatig", data=_wages(page, "1.250,00"))

    assert "Gegevens handmatig invoeren" not in page.text
    assert form.status_code == 403
    assert posted.status_code == 403
    assert not [asked for asked in service.asked if asked.method == "PUT"]
