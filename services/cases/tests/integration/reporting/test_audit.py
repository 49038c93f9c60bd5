"""The access log: written for views and BSN searches, read by auditors of their own scope;
and the overview's filters, which never let one municipality count another's cases."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from cases.reporting.audit import subject_hash
from cases.reporting.filters import LOCAL_TIME

from .support import AMSTERDAM, BSN_SECRET, MONDAY, ROTTERDAM, Reporting, adult, child, days


async def test_every_view_of_a_case_is_logged_with_the_applicant_as_subject(
    reporting: Reporting,
) -> None:
    case_id = await reporting.add_case(
        "GV-1", household=[adult("Bakker", bsn="111222333"), child("Sem", bsn="300000001")]
    )
    for trace in ("trace-1", "trace-2"):
        response = await reporting.client.get(
            f"/cases/{case_id}",
            headers={**reporting.headers(AMSTERDAM), "X-Correlation-ID": trace},
        )
        assert response.status_code == 200
    hidden = await reporting.get(f"/cases/{case_id}", municipalities=(ROTTERDAM,))
    assert hidden.status_code == 404

    entries = await reporting.access_log()
    assert [(e.action, e.case_id, e.trace_id) for e in entries] == [
        ("case.viewed", case_id, "trace-1"),
        ("case.viewed", case_id, "trace-2"),
    ]
    expected = subject_hash("111222333", secret=BSN_SECRET)
    for entry in entries:
        assert entry.data_subject_hash == expected != "111222333"
        assert (entry.actor, entry.organisation, entry.role) == (
            "staff-1",
            "test-org",
            "behandelaar",
        )
        assert (entry.municipality_code, entry.purpose, entry.row_count) == (
            AMSTERDAM,
            "case_handling",
            1,
        )


async def test_a_search_by_bsn_is_logged_and_other_filters_are_not(reporting: Reporting) -> None:
    await reporting.add_case("GV-1", household=[adult("Bakker"), child("Sem", bsn="300000001")])
    await reporting.add_case("GV-2", household=[adult("Smit", bsn="300000001")])
    await reporting.numbers({"q": "GV-1"})
    await reporting.numbers({"status": "received", "deadline": "passed"})
    assert await reporting.access_log() == []

    assert len(await reporting.numbers({"bsn": "300000001"})) == 2
    assert await reporting.numbers({"bsn": "300000002"}) == []
    first, second = await reporting.access_log()
    assert (first.action, first.row_count, first.municipality_code) == (
        "cases.searched_by_bsn",
        2,
        AMSTERDAM,
    )
    assert first.data_subject_hash == subject_hash("300000001", secret=BSN_SECRET)
    assert first.details["filter"]["bsn"] is True
    assert "300000001" not in str(first.details)
    assert (second.row_count, second.data_subject_hash) == (
        0,
        subject_hash("300000002", secret=BSN_SECRET),
    )


async def test_auditors_read_the_log_of_their_own_municipalities(reporting: Reporting) -> None:
    ours = await reporting.add_case("A-1", household=[adult("A", bsn="111222333")])
    theirs = await reporting.add_case("R-1", municipality=ROTTERDAM)
    for _ in range(3):
        await reporting.get(f"/cases/{ours}")
    await reporting.get(f"/cases/{ours}", subject="staff-2")
    await reporting.get(f"/cases/{theirs}", municipalities=(ROTTERDAM,))

    async def audit(params: dict[str, object] | None = None, **who: Any) -> list[dict[str, object]]:
        response = await reporting.get("/audit", params, role="auditor", **who)
        assert response.status_code == 200, response.text
        assert "111222333" not in response.text
        items: list[dict[str, object]] = response.json()["items"]
        return items

    entries = await audit()
    assert len(entries) == 4
    assert {e["case_id"] for e in entries} == {str(ours)}
    assert [e["case_id"] for e in await audit(municipalities=(ROTTERDAM,))] == [str(theirs)]
    assert len(await audit(everything=True)) == 5
    assert len(await audit({"actor": "staff-2"})) == 1
    assert len(await audit({"case_id": str(theirs)})) == 0
    assert len(await audit({"bsn": "111222333"})) == 4
    occurred = (await audit())[0]["occurred_at"]
    assert isinstance(occurred, str)
    # The filter takes Dutch calendar days: the UTC date is another day from 23:00 or 22:00.
    today = datetime.fromisoformat(occurred).astimezone(LOCAL_TIME).date().isoformat()
    assert len(await audit({"from": today, "to": today})) == 4
    assert await audit({"to": "2000-01-01"}) == []

    pages: list[dict[str, object]] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = (await reporting.get("/audit", params, role="auditor")).json()
        pages.extend(body["items"])
        if (cursor := body["next_cursor"]) is None:
            break
    assert [e["id"] for e in pages] == [e["id"] for e in entries]
    first = (await reporting.get("/audit", {"limit": 1}, role="auditor")).json()
    for params in ({"actor": "staff-1"}, {"limit": 1, "bsn": "111222333"}):
        response = await reporting.get(
            "/audit", {**params, "cursor": first["next_cursor"]}, role="auditor"
        )
        assert response.status_code == 400, params
    garbage = await reporting.get("/audit", {"cursor": "garbage"}, role="auditor")
    assert garbage.status_code == 400

    for role in ("behandelaar", "beslisser", "raadpleger", "functioneel_beheerder", "operator"):
        response = await reporting.get("/audit", role=role)
        assert response.status_code == 403, role


async def test_the_overview_is_filtered_and_stays_within_scope(reporting: Reporting) -> None:
    add = reporting.add_case
    await add("A-1", household=[adult("A"), adult("B", role="partner"), child("C")])
    await add("A-2", kind="re_examination", status="invited", campaign="2027")
    await add("A-3", status="decided_granted", submitted_at=MONDAY - days(40))
    await add("R-1", municipality=ROTTERDAM)

    async def totals(params: dict[str, object], **who: Any) -> dict[str, object]:
        response = await reporting.get("/overview", {"municipality": AMSTERDAM, **params}, **who)
        assert response.status_code == 200, response.text
        body: dict[str, object] = response.json()
        return body

    def applications(body: dict[str, object], category: str) -> int:
        categories = body["categories"]
        assert isinstance(categories, list)
        return int(next(c for c in categories if c["category"] == category)["applications"])

    everything = await totals({})
    assert everything["total"] == {"applications": 3, "adults": 4, "persons": 5}
    assert (await totals({"kind": "application"}))["total"] == {
        "applications": 2,
        "adults": 3,
        "persons": 4,
    }
    assert applications(await totals({"kind": "re_examination"}), "in_progress") == 1
    assert (await totals({"campaign": "2027"}))["total"]["applications"] == 1  # type: ignore[index]
    recent = await totals({"submitted_from": "2026-11-01"})
    assert applications(recent, "decided_granted") == 0
    assert applications(recent, "received") == 1
    assert (await totals({"submitted_to": "2026-10-31"}))["total"]["applications"] == 1  # type: ignore[index]
    for wrong in ({"kind": "other"}, {"submitted_from": "soon"}):
        assert (
            await reporting.get("/overview", {"municipality": AMSTERDAM, **wrong})
        ).status_code == 422
    response = await reporting.get("/overview", {"municipality": ROTTERDAM})
    assert response.status_code == 404
    isd = await totals(
        {"municipality": [AMSTERDAM, ROTTERDAM]}, municipalities=(AMSTERDAM, ROTTERDAM)
    )
    assert isd["total"]["applications"] == 4  # type: ignore[index]
    unknown = await reporting.get(f"/cases/{uuid.uuid4()}")
    assert unknown.status_code == 404


async def test_searches_by_name_and_postal_code_log_each_case_they_showed(
    reporting: Reporting,
) -> None:
    bakker = await reporting.add_case(
        "GV-1", household=[adult("Bakker", bsn="111222333", postal_code="1016 GV")]
    )
    await reporting.add_case("GV-2", household=[adult("Smit", postal_code="3011 AA")])
    await reporting.add_case(
        "R-1", municipality=ROTTERDAM, household=[adult("Bakker", postal_code="3011 AA")]
    )
    assert await reporting.numbers({"q": "bakker"}) == ["GV-1"]
    assert await reporting.numbers({"q": "1016gv"}) == ["GV-1"]
    assert await reporting.numbers({"q": "Jansen"}, municipalities=(AMSTERDAM, ROTTERDAM)) == []

    by_name, by_postal_code, nothing, other = await reporting.access_log()
    for entry, action in ((by_name, "name"), (by_postal_code, "postal_code")):
        assert entry.action == f"cases.searched_by_{action}"
        assert (entry.case_id, entry.application_number, entry.row_count) == (bakker, "GV-1", 1)
        assert entry.data_subject_hash == subject_hash("111222333", secret=BSN_SECRET)
        assert entry.details["filter"]["q"] == action
        assert "akker" not in str(entry.details)
        assert "1016" not in str(entry.details)
    # Nothing found is still a search: an entry per municipality searched.
    assert [(e.action, e.municipality_code, e.row_count, e.case_id) for e in (nothing, other)] == [
        ("cases.searched_by_name", AMSTERDAM, 0, None),
        ("cases.searched_by_name", ROTTERDAM, 0, None),
    ]


async def test_auditors_see_and_filter_entries_by_application_number(
    reporting: Reporting,
) -> None:
    first = await reporting.add_case("GV-2026-0000001")
    second = await reporting.add_case("GV-2026-0000002")
    for case_id in (first, second, first):
        assert (await reporting.get(f"/cases/{case_id}")).status_code == 200
    assert (await reporting.get(f"/cases/{first}/memos")).status_code == 200

    async def numbers(params: dict[str, str] | None = None) -> list[tuple[str, str]]:
        response = await reporting.get("/audit", params, role="auditor")
        assert response.status_code == 200, response.text
        return [(e["action"], e["application_number"]) for e in response.json()["items"]]

    assert await numbers({"application_number": "gv-2026-0000001"}) == [
        ("case.memos_viewed", "GV-2026-0000001"),
        ("case.viewed", "GV-2026-0000001"),
        ("case.viewed", "GV-2026-0000001"),
    ]
    assert len(await numbers()) == 4
    assert await numbers({"application_number": "GV-2026-0000003"}) == []
