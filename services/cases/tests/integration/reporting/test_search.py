"""GET /cases: search by name, number, postal code and BSN, every filter, every sort order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cases.reporting import search

from .support import (
    AMSTERDAM,
    MONDAY,
    ROTTERDAM,
    UTRECHT,
    Reporting,
    adult,
    child,
    days,
)


async def test_names_are_found_in_part_without_accents_or_case(reporting: Reporting) -> None:
    await reporting.add_case(
        "GV-1", household=[adult("Çelik", initials="A.", first_name="Ayşe", postal_code="3011 AB")]
    )
    await reporting.add_case(
        "GV-2",
        household=[
            adult("Vries", prefix="de", first_name="Jan"),
            adult("El Amrani", role="partner", initials="F.", first_name="Fatima"),
            child("Noor"),
        ],
    )
    await reporting.add_case("GV-3", household=[adult("Müller-Lüdenscheidt", first_name="Zoë")])

    for query in ("celik", "Çelik", "ÇELIK", "eli", "ayse", "a. celik"):
        assert await reporting.numbers({"q": query}) == ["GV-1"], query
    for query in ("amrani", "el amrani", "EL AMRANI", "fatima", "de vries", "vries jan", "noor"):
        assert await reporting.numbers({"q": query}) == ["GV-2"], query
    assert await reporting.numbers({"q": "muller-ludenscheidt zoe"}) == ["GV-3"]
    # Every word must match one person: the applicant is not named Amrani.
    assert await reporting.numbers({"q": "jan amrani"}) == []
    assert await reporting.numbers({"q": "celikx"}) == []
    # LIKE's wildcards are plain characters in a search.
    assert await reporting.numbers({"q": "%"}) == []
    assert await reporting.numbers({"q": "_"}) == []


async def test_a_number_or_postal_code_is_matched_exactly(reporting: Reporting) -> None:
    await reporting.add_case("GV-2026-0000123", household=[adult("Bakker", postal_code="1016 GV")])
    await reporting.add_case("GV-2026-0000124", household=[adult("Smit", postal_code="3011AB")])

    assert await reporting.numbers({"q": "GV-2026-0000123"}) == ["GV-2026-0000123"]
    assert await reporting.numbers({"q": " GV-2026-0000124 "}) == ["GV-2026-0000124"]
    assert await reporting.numbers({"q": "GV-2026-000012"}) == []
    for query in ("1016 GV", "1016GV", "1016gv", "1016 gv"):
        assert await reporting.numbers({"q": query}) == ["GV-2026-0000123"], query
    assert await reporting.numbers({"q": "3011 ab"}) == ["GV-2026-0000124"]


async def test_a_bsn_finds_the_case_of_any_household_member(reporting: Reporting) -> None:
    await reporting.add_case(
        "GV-A",
        household=[
            adult("Jansen", bsn="111222333"),
            adult("Jansen", role="partner", bsn="123456782"),
            child("Sem", bsn="300000001"),
        ],
    )
    await reporting.add_case("GV-B", household=[adult("Visser", bsn="999999990")])

    for bsn in ("111222333", "123456782", "300000001"):
        assert await reporting.numbers({"bsn": bsn}) == ["GV-A"], bsn
    assert await reporting.numbers({"bsn": "000000000"}) == []
    for wrong in ("12345678", "1234567890", "12345678a", "1112223 3"):
        response = await reporting.get("/cases", {"bsn": wrong})
        assert response.status_code == 422, wrong
        assert "bsn" in response.text


async def test_every_filter(reporting: Reporting) -> None:
    add = reporting.add_case
    await add("R1", status="received", submitted_at=MONDAY)
    await add("R2", status="advice_ready", advice="grant", assigned_to="staff-1")
    await add("R3", status="on_hold", assigned_to="staff-2", submitted_at=MONDAY - days(3))
    await add(
        "H1",
        kind="re_examination",
        status="invited",
        campaign="2027",
        status_changed_at=MONDAY + days(2),
    )
    await add("H2", kind="re_examination", status="awaiting_data", campaign="2026", advice="reject")

    async def numbers(**params: object) -> set[str]:
        return set(await reporting.numbers(params))

    assert await numbers(status="received") == {"R1"}
    assert await numbers(status=["received", "invited"]) == {"R1", "H1"}
    assert await numbers(kind="re_examination") == {"H1", "H2"}
    assert await numbers(kind="application") == {"R1", "R2", "R3"}
    assert await numbers(advice="grant") == {"R2"}
    assert await numbers(campaign="2027") == {"H1"}
    assert await numbers(on_hold="true") == {"R3"}
    assert await numbers(on_hold="false") == {"R1", "R2", "H1", "H2"}
    assert await numbers(assigned_to="me") == {"R2"}
    assert await numbers(assigned_to="staff-2") == {"R3"}
    assert await numbers(assigned_to="none") == {"R1", "H1", "H2"}
    # Submission days are Dutch calendar days (MONDAY 09:00 UTC is 10:00 in Amsterdam).
    assert await numbers(submitted_to="2026-11-27") == {"R3"}
    assert await numbers(submitted_from="2026-11-28") == {"R1", "R2", "H1", "H2"}
    assert await numbers(submitted_from="2026-11-30", submitted_to="2026-11-30") == {
        "R1",
        "R2",
        "H1",
        "H2",
    }
    assert await numbers(changed_from="2026-12-01") == {"H1"}
    assert await numbers(changed_to="2026-12-01") == {"R1", "R2", "R3", "H2"}
    assert await numbers(kind="re_examination", advice="reject", campaign="2026") == {"H2"}


async def test_late_evening_counts_for_its_dutch_day(reporting: Reporting) -> None:
    # 23:30 UTC on 30 November is 00:30 on 1 December in Amsterdam.
    await reporting.add_case("LATE", submitted_at=datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    assert await reporting.numbers({"submitted_from": "2026-12-01"}) == ["LATE"]
    assert await reporting.numbers({"submitted_to": "2026-11-30"}) == []


async def test_municipalities_are_filtered_and_scope_checked(reporting: Reporting) -> None:
    await reporting.add_case("A", municipality=AMSTERDAM)
    await reporting.add_case("R", municipality=ROTTERDAM)
    await reporting.add_case("U", municipality=UTRECHT)
    isd = (AMSTERDAM, ROTTERDAM)

    assert set(await reporting.numbers(municipalities=isd)) == {"A", "R"}
    assert await reporting.numbers({"municipality": ROTTERDAM}, municipalities=isd) == ["R"]
    both = {"municipality": [AMSTERDAM, ROTTERDAM]}
    assert set(await reporting.numbers(both, municipalities=isd)) == {"A", "R"}
    for params in ({"municipality": UTRECHT}, {"municipality": [AMSTERDAM, UTRECHT]}):
        response = await reporting.get("/cases", params, municipalities=isd)
        assert response.status_code == 404
    # Searching by a value of another municipality's case finds nothing, not even by number.
    assert await reporting.numbers({"q": "U"}, municipalities=isd) == []
    assert set(await reporting.numbers({"q": "de vries"}, municipalities=isd)) == {"A", "R"}
    assert await reporting.numbers({"q": "de vries"}, municipalities=(UTRECHT,)) == ["U"]


async def test_wrong_types_are_refused_with_a_clear_message(reporting: Reporting) -> None:
    cases = {
        "status": "pending",
        "kind": "aanvraag",
        "on_hold": "maybe",
        "submitted_from": "yesterday",
        "changed_to": "2026-13-01",
        "sort": "name",
        "advice": "Toekennen!",
        "limit": "all",
    }
    for name, value in cases.items():
        response = await reporting.get("/cases", {name: value})
        assert response.status_code == 422, (name, response.text)
        [problem] = response.json()["detail"]
        assert problem["loc"][:2] == ["query", name], problem
        assert problem["msg"]
    reversed_range = {"submitted_from": "2026-12-01", "submitted_to": "2026-11-01"}
    response = await reporting.get("/cases", reversed_range)
    assert response.status_code == 422
    assert "submitted_to" in response.json()["detail"]


async def test_items_carry_the_handling_fields(reporting: Reporting) -> None:
    await reporting.add_case("F", advice="investigate", assigned_to="staff-9", campaign="2027")
    [item] = await reporting.items()
    assert (item["advice"], item["assigned_to"], item["campaign"]) == (
        "investigate",
        "staff-9",
        "2027",
    )
    assert item["status_changed_at"].startswith("2026-11-30T09:00:00")
    assert {"id", "kind", "status", "adults", "persons", "submitted_at"} <= item.keys()


async def test_every_sort_order(reporting: Reporting) -> None:
    await reporting.add_case("N-3", submitted_at=MONDAY, status_changed_at=MONDAY + days(5))
    await reporting.add_case("N-1", submitted_at=MONDAY + days(1), status_changed_at=MONDAY)
    await reporting.add_case("N-2", submitted_at=MONDAY - days(1), status_changed_at=MONDAY)

    assert await reporting.numbers() == ["N-1", "N-3", "N-2"]
    assert await reporting.numbers({"sort": "-submitted_at"}) == ["N-1", "N-3", "N-2"]
    assert await reporting.numbers({"sort": "submitted_at"}) == ["N-2", "N-3", "N-1"]
    assert await reporting.numbers({"sort": "application_number"}) == ["N-1", "N-2", "N-3"]
    assert (await reporting.numbers({"sort": "-status_changed_at"}))[0] == "N-3"
    assert (await reporting.numbers({"sort": "status_changed_at"}))[-1] == "N-3"


async def test_the_end_of_a_number_finds_the_case(reporting: Reporting) -> None:
    await reporting.add_case("GV-2026-0000308", household=[adult("Bakker")])
    await reporting.add_case("GV-2026-0001308", household=[adult("Smit")])
    await reporting.add_case("GV-2026-0000309", household=[adult("Visser")])

    for query in ("308", "0000308", " 0000308 ", "2026-0000308"):
        assert await reporting.numbers({"q": query}) == ["GV-2026-0000308"], query
    assert await reporting.numbers({"q": "1308"}) == ["GV-2026-0001308"]
    assert set(await reporting.numbers({"q": "30"})) == set()
    assert await reporting.numbers({"q": "%308"}) == []


async def test_a_page_names_the_applicant_and_counts_every_match(reporting: Reporting) -> None:
    await reporting.add_case(
        "GV-N1", household=[adult("Vries", prefix="de", first_name="Jan"), child("Noor")]
    )
    await reporting.add_case("GV-N2", household=[adult("Bakker", initials="A.", first_name=None)])
    await reporting.add_case("GV-N3", household=[adult("Smit", first_name="Els")])

    answer = await reporting.get("/cases", params={"limit": 2, "sort": "application_number"})
    page = answer.json()
    assert [item["applicant_name"] for item in page["items"]] == ["Jan de Vries", "A. Bakker"]
    assert page["total"] == 3
    assert page["next_cursor"] is not None
    assert (await reporting.get("/cases", params={"q": "smit"})).json()["total"] == 1
    assert page["total_is_exact"] is True


async def test_the_count_stops_past_its_limit(
    reporting: Reporting, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A list of a million cases costs no more than one of COUNT_LIMIT (here 2 of 3 counted).
    monkeypatch.setattr(search, "COUNT_LIMIT", 2)
    for number in ("GV-C1", "GV-C2", "GV-C3"):
        await reporting.add_case(number, household=[adult("Smit")])

    page = (await reporting.get("/cases", params={"limit": 1})).json()
    assert (page["total"], page["total_is_exact"]) == (2, False)
    page = (await reporting.get("/cases", params={"q": "GV-C2"})).json()
    assert (page["total"], page["total_is_exact"]) == (1, True)
