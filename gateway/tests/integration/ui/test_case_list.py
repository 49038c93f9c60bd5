"""The case list a case worker works from, through the real gateway and cases service: the
applicant and municipality by name, who it is assigned to by name, the number of results,
previous and next page, the quick filters shown as active, and part of a number finds a case."""

from __future__ import annotations

import html
import random
import re

from .conftest import MakeUser, UiApp, csrf_of, log_in


def _link(page: str, text: str) -> str:
    """The query of the list link with this text."""
    found = re.search(rf'href="/ui/cases\?([^"]*)"[^>]*>{text}<', page)
    assert found is not None, text
    return html.unescape(found.group(1))


def _row_count(page: str) -> int:
    return len(re.findall(r'href="/ui/cases/[0-9a-f-]{36}"', page))


async def test_the_list_names_people_counts_results_and_pages_both_ways(
    ui: UiApp, make_user: MakeUser
) -> None:
    tag = "".join(random.choices("bcdfghjklmnpqrstvwxz", k=6))
    name = f"Zoeker{tag}"
    cases = [await ui.services.open_case("0534", last_name=name) for _ in range(27)]
    await log_in(ui.http, await make_user())

    first = await ui.http.get(f"/ui/cases?q={name}")
    second = await ui.http.get("/ui/cases?" + _link(first.text, "Volgende"))
    back = await ui.http.get("/ui/cases?" + _link(second.text, "Vorige"))

    assert "27 cases gevonden · pagina 1 van 2" in first.text
    assert f"<td>Jan de {name}</td>" in first.text
    assert "<td>Hillegom</td>" in first.text
    assert "<td>0534</td>" not in first.text
    assert ">Vorige<" not in first.text
    assert "27 cases gevonden · pagina 2 van 2" in second.text
    assert (_row_count(first.text), _row_count(second.text)) == (25, 2)
    assert ">Volgende<" not in second.text
    assert "pagina 1 van 2" in back.text
    assert re.findall(r"/ui/cases/[0-9a-f-]{36}", back.text) == re.findall(
        r"/ui/cases/[0-9a-f-]{36}", first.text
    )
    assert {case.application_number for case in cases} >= set(
        re.findall(r"GV-2026-[0-9]{7}", first.text + second.text)
    )


async def test_quick_filters_show_as_active_and_name_the_assignee(
    ui: UiApp, make_user: MakeUser
) -> None:
    case = await ui.services.open_case("0534")
    await log_in(ui.http, await make_user())
    detail = await ui.http.get(f"/ui/cases/{case.id}")
    await ui.http.post(f"/ui/cases/{case.id}/toewijzen", data={"csrf_token": csrf_of(detail)})

    mine = await ui.http.get("/ui/cases?assigned_to=me")
    everything = await ui.http.get("/ui/cases")
    held = await ui.http.get("/ui/cases?on_hold=true")

    active = r'class="quick-link quick-link--active" aria-current="page">'
    assert re.search(active + "Mijn cases<", mine.text)
    assert "Filter: <strong>Mijn cases</strong>" in mine.text
    assert case.application_number in mine.text
    assert "<td>Test Gebruiker</td>" in mine.text
    assert "user:" not in mine.text
    assert re.search(active + "Alle cases<", everything.text)
    assert re.search(active + "In afwachting<", held.text)
    assert len(re.findall('aria-current="page">(?!Cases)', held.text)) == 1


async def test_part_of_an_application_number_finds_the_case(ui: UiApp, make_user: MakeUser) -> None:
    case = await ui.services.open_case("0534")
    await log_in(ui.http, await make_user())
    serial = case.application_number.rsplit("-", 1)[1]

    for query in (serial, serial.lstrip("0") or "0", "2026-" + serial):
        page = await ui.http.get("/ui/cases", params={"q": query})
        assert case.application_number in page.text, query
