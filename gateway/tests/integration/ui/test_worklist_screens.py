"""Te doen, the deadline filters and the case page's decision term, through the real gateway
and cases service: each work item's count links to the case list with its filter, shown as
active and kept when paging; a wrong filter value is named next to its field."""

from __future__ import annotations

import html
import random
import re
from datetime import timedelta

from contracts.household import Address
from gateway.cases.deadline import today

from .conftest import MakeUser, UiApp, csrf_of, log_in


def _href(page: str, pattern: str) -> str:
    found = re.search(rf'href="(/ui/cases\?[^"]*{pattern}[^"]*)"', page)
    assert found is not None, pattern
    return html.unescape(found.group(1))


def _tag() -> str:
    return "".join(random.choices("bcdfghjklmnpqrstvwxz", k=8))


async def test_my_tasks_count_my_cases_and_link_to_the_list_with_that_filter(
    ui: UiApp, make_user: MakeUser
) -> None:
    mine = await ui.services.open_case("0534", status="advice_ready")
    await ui.services.open_case("0534", status="advice_ready")  # someone else's
    await log_in(ui.http, await make_user(role="behandelaar"))
    detail = await ui.http.get(f"/ui/cases/{mine.id}")
    await ui.http.post(f"/ui/cases/{mine.id}/toewijzen", data={"csrf_token": csrf_of(detail)})

    tasks = await ui.http.get("/ui/te-doen")
    link = _href(tasks.text, "worklist=advice_to_decide")
    listed = await ui.http.get(link)

    assert tasks.status_code == 200
    assert 'href="/ui/te-doen"' in tasks.text, "the menu item"
    assert "Nieuwe adviezen om te beslissen" in tasks.text
    assert 'aria-label="1 cases: Nieuwe adviezen om te beslissen"' in tasks.text
    assert "assigned_to=me" in link
    assert listed.status_code == 200
    assert "1 case gevonden" in listed.text
    assert mine.application_number in listed.text
    assert "Te doen – <strong>Nieuwe adviezen om te beslissen</strong> (mijn taken)" in listed.text
    assert re.search(r'<option value="advice_to_decide" selected>', listed.text)


async def test_the_organisation_view_and_a_wrong_view(ui: UiApp, make_user: MakeUser) -> None:
    await log_in(ui.http, await make_user(role="raadpleger"))

    organisation = await ui.http.get("/ui/te-doen?weergave=organisatie")
    wrong = await ui.http.get("/ui/te-doen?weergave=iedereen")

    assert organisation.status_code == 200
    assert "Alle cases van uw organisatie" in organisation.text
    assert "Beslistermijn verstreken" in organisation.text
    assert "assigned_to" not in _href(organisation.text, "worklist=decision_overdue")
    assert wrong.status_code == 404


async def test_a_work_item_filter_is_kept_when_paging(ui: UiApp, make_user: MakeUser) -> None:
    name = f"Taak{_tag()}"
    for _ in range(26):
        await ui.services.open_case("0534", last_name=name, status="advice_ready")
    await ui.services.open_case("0534", last_name=name)  # not waiting for a decision
    await log_in(ui.http, await make_user())

    first = await ui.http.get(f"/ui/cases?q={name}&worklist=advice_to_decide")
    second = await ui.http.get(_href(first.text, "cursor="))

    assert "26 cases gevonden · pagina 1 van 2" in first.text
    assert "26 cases gevonden · pagina 2 van 2" in second.text
    assert "Te doen – <strong>Nieuwe adviezen om te beslissen</strong>" in second.text


async def test_deadline_quick_filters_show_as_active_and_the_overview_links_to_them(
    ui: UiApp, make_user: MakeUser
) -> None:
    name = f"Termijn{_tag()}"
    soon = await ui.services.open_case(
        "0534", last_name=name, submitted_on=today() - timedelta(days=50)
    )
    late = await ui.services.open_case(
        "0534", last_name=name, submitted_on=today() - timedelta(days=60)
    )
    await log_in(ui.http, await make_user())

    due_soon = await ui.http.get(f"/ui/cases?q={name}&deadline=within_7_days")
    passed = await ui.http.get(f"/ui/cases?deadline=passed&q={name}")
    quick = await ui.http.get("/ui/cases?deadline=passed")
    overview = await ui.http.get("/ui/")

    assert soon.application_number in due_soon.text
    assert late.application_number not in due_soon.text
    assert "nog 6 dagen" in due_soon.text
    assert late.application_number in passed.text
    assert soon.application_number not in passed.text
    assert "4 dagen verlopen" in passed.text
    assert "<strong>Beslistermijn verstreken</strong>" in passed.text
    assert re.search(
        r'class="quick-link quick-link--active" aria-current="page">Termijn verlopen<', quick.text
    )
    assert "Termijn verloopt binnen 7 dagen: <strong>" in overview.text
    assert "deadline=passed" in _href(overview.text, "deadline=passed")


async def test_a_wrong_filter_value_is_named_next_to_its_field(
    ui: UiApp, make_user: MakeUser
) -> None:
    await log_in(ui.http, await make_user())

    page = await ui.http.get("/ui/cases?deadline=morgen&worklist=alles")

    assert page.status_code == 400
    assert re.search(r'<p class="field__error" id="deadline-fout">.*Onbekende termijn', page.text)
    assert re.search(r'<p class="field__error" id="worklist-fout">.*Onbekende taak', page.text)
    assert 'aria-invalid="true"' in page.text


async def test_the_case_page_shows_ages_the_partners_address_and_the_services_term(
    ui: UiApp, make_user: MakeUser
) -> None:
    home = Address(
        street="Hoofdstraat",
        house_number=7,
        house_number_suffix="a",
        postal_code="2181 AB",
        city="Hillegom",
    )
    case = await ui.services.open_case(
        "0534", partner=True, address=home, submitted_on=today() - timedelta(days=10)
    )
    await log_in(ui.http, await make_user())

    page = await ui.http.get(f"/ui/cases/{case.id}")
    partner = page.text.split("<h3>Partner</h3>")[1].split("</dl>")[0]

    born = today()
    age = born.year - 1984 - ((born.month, born.day) < (9, 2))
    assert f"02-09-1984 ({age} jaar)" in partner
    assert "Hoofdstraat 7 a, 2181 AB Hillegom" in partner
    assert "adres van de aanvrager" in partner
    assert '<th scope="col">Leeftijd</th>' in page.text
    assert "· nog 46 dagen" in page.text
