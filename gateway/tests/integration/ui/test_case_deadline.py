"""The case page shows the handling deadline: eight weeks after receipt (Awb 4:13) with the
days left, from the submission the cases service records; and what the case's municipality's
licence does not include."""

from __future__ import annotations

from datetime import timedelta

from gateway.audit.service import CLI
from gateway.cases.deadline import today
from gateway.licences.service import set_licence

from .conftest import MakeUser, UiApp, log_in


async def test_the_case_page_shows_the_decision_term_and_the_days_left(
    ui: UiApp, make_user: MakeUser
) -> None:
    received = today() - timedelta(days=50)
    case = await ui.services.open_case("0534", submitted_on=received)
    await log_in(ui.http, await make_user())

    page = await ui.http.get(f"/ui/cases/{case.id}")

    due = received + timedelta(weeks=8)
    assert page.status_code == 200
    assert "<dt>Beslistermijn</dt>" in page.text
    assert f"<strong>{due:%d-%m-%Y}</strong> · nog 6 dagen" in page.text
    assert f"8 weken na ontvangst op {received:%d-%m-%Y} (Awb 4:13)" in page.text
    assert "deadline--soon" in page.text


async def test_the_case_page_says_what_the_cases_municipality_has_not_licensed(
    ui: UiApp, make_user: MakeUser
) -> None:
    lisse, hillegom = await ui.services.open_case("0553"), await ui.services.open_case("0534")
    async with ui.database.transaction() as session:
        await set_licence(session, code="0553", licence="basis", by=CLI, correlation_id="test")
    await log_in(ui.http, await make_user())  # a behandelaar of the ISD over both

    basis = await ui.http.get(f"/ui/cases/{lisse.id}")
    premium = await ui.http.get(f"/ui/cases/{hillegom.id}")

    assert basis.status_code == premium.status_code == 200
    assert "Licentie van Lisse" in basis.text
    assert "Besluiten vastleggen." in basis.text
    assert "(Basis) omvat niet besluiten vastleggen" in basis.text
    assert 'id="licentie-kop"' not in premium.text  # Premium with the add-on: everything
