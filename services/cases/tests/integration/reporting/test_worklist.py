"""The work list (Te doen) and the decision-term filter: each count links to exactly the
cases it counts, per organisation (an ISD's municipalities or one) and per user."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from cases.worklist.items import Today

from .support import AMSTERDAM, ROTTERDAM, UTRECHT, Reporting

TODAY = Today.now()
ISD = (AMSTERDAM, ROTTERDAM)


def day(offset: int) -> Any:
    return TODAY.day + timedelta(days=offset)


def submitted(due_in: int) -> datetime:
    """A submission moment whose decision term (eight weeks) ends `due_in` days from today."""
    return datetime.combine(day(due_in - 56), datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)


async def seed(reporting: Reporting) -> dict[str, uuid.UUID]:
    """Cases in every state the work list knows, and some that look alike but do not count."""
    add = reporting.add_case
    recent = submitted(40)
    return {
        "advice": await add("A-ADV", status="advice_ready", submitted_at=recent),
        "advice_mine": await add(
            "A-ADV-MINE", status="advice_ready", assigned_to="staff-1", submitted_at=recent
        ),
        "advice_four_eyes": await add(
            "A-ADV-4EYES",
            status="advice_ready",
            four_eyes=True,
            assigned_to="staff-1",
            submitted_at=recent,
        ),
        "four_eyes_decided": await add(
            "A-4EYES-DONE", status="decided_granted", four_eyes=True, submitted_at=recent
        ),
        "advice_rotterdam": await add(
            "R-ADV", municipality=ROTTERDAM, status="advice_ready", submitted_at=recent
        ),
        "advice_utrecht": await add(
            "U-ADV", municipality=UTRECHT, status="advice_ready", submitted_at=recent
        ),
        "data": await add(
            "A-DATA", status="awaiting_data", data_arrived_at=TODAY.start, submitted_at=recent
        ),
        "data_decided": await add(
            "A-DATA-DONE",
            status="decided_granted",
            data_arrived_at=TODAY.start,
            submitted_at=recent,
        ),
        "term_ending": await add(
            "A-TERM-3",
            status="under_investigation",
            term_ends_on=day(3),
            term_request_id=uuid.uuid4(),
            term_requested_on=day(-10),
            submitted_at=recent,
            assigned_to="staff-1",
        ),
        "term_later": await add(
            "A-TERM-4",
            status="under_investigation",
            term_ends_on=day(4),
            term_request_id=uuid.uuid4(),
            term_requested_on=day(-10),
            submitted_at=recent,
        ),
        "term_passed": await add(
            "A-TERM-PASSED",
            status="under_investigation",
            term_ends_on=day(-1),
            term_request_id=uuid.uuid4(),
            term_requested_on=day(-20),
            submitted_at=recent,
        ),
        "term_passed_decided": await add(
            "A-TERM-NP",
            status="not_processed",
            term_ends_on=day(-1),
            term_request_id=uuid.uuid4(),
            term_requested_on=day(-20),
            submitted_at=recent,
        ),
        "letter": await add(
            "A-LETTER",
            status="decided_rejected",
            failed_letter_ids=[uuid.uuid4()],
            submitted_at=recent,
        ),
        "reminder_today": await add(
            "A-REMINDED", status="awaiting_data", reminder_sent_at=TODAY.start, submitted_at=recent
        ),
        "reminder_yesterday": await add(
            "A-REMINDED-EARLIER",
            status="awaiting_data",
            reminder_sent_at=TODAY.start - timedelta(minutes=1),
            submitted_at=recent,
        ),
        "due_today": await add("A-DUE-0", submitted_at=submitted(0)),
        "due_in_7": await add("A-DUE-7", submitted_at=submitted(7), assigned_to="staff-1"),
        "due_in_8": await add("A-DUE-8", submitted_at=submitted(8)),
        "overdue": await add("A-LATE", submitted_at=submitted(-1)),
        "overdue_on_hold": await add("A-LATE-HOLD", status="on_hold", submitted_at=submitted(-30)),
        "overdue_decided": await add(
            "A-LATE-DONE", status="decided_granted", submitted_at=submitted(-30)
        ),
        "overdue_re_examination": await add(
            "A-HO", kind="re_examination", status="invited", submitted_at=submitted(-30)
        ),
    }


EXPECTED = {
    "advice_to_decide": {"A-ADV", "A-ADV-MINE", "A-ADV-4EYES"},
    "data_delivered": {"A-DATA"},
    "term_ending": {"A-TERM-3"},
    "term_passed": {"A-TERM-PASSED"},
    "letter_failed": {"A-LETTER"},
    "reminder_sent_today": {"A-REMINDED"},
    "four_eyes": {"A-ADV-4EYES"},
    "decision_due_soon": {"A-DUE-0", "A-DUE-7"},
    "decision_overdue": {"A-LATE", "A-LATE-HOLD"},
}
"""Amsterdam's cases per item (the other cases are due in 40 days)."""


async def work_list(reporting: Reporting, params: Any = None, **who: Any) -> dict[str, Any]:
    response = await reporting.get("/worklist", params, **who)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_every_count_links_to_exactly_the_cases_it_counts(reporting: Reporting) -> None:
    await seed(reporting)
    body = await work_list(reporting, {"municipality": AMSTERDAM})
    assert body["day"] == TODAY.day.isoformat()
    assert (body["municipalities"], body["assignee"]) == ([AMSTERDAM], None)
    assert [item["item"] for item in body["items"]] == list(EXPECTED)
    assert body["items"][0]["label"] == "Nieuwe adviezen om te beslissen"
    for item in body["items"]:
        assert item["filter"] == {"worklist": item["item"], "municipality": [AMSTERDAM]}
        listed = set(await reporting.numbers(item["filter"]))
        assert listed == EXPECTED[item["item"]], item["item"]
        assert item["count"] == len(listed), item["item"]


async def test_per_user_and_per_isd_and_never_beyond_the_scope(reporting: Reporting) -> None:
    await seed(reporting)
    mine = await work_list(reporting, {"municipality": AMSTERDAM, "assignee": "me"})
    assert mine["assignee"] == "staff-1"
    counts = {item["item"]: item["count"] for item in mine["items"]}
    assert counts == {
        "advice_to_decide": 2,
        "data_delivered": 0,
        "term_ending": 1,
        "term_passed": 0,
        "letter_failed": 0,
        "reminder_sent_today": 0,
        "four_eyes": 1,
        "decision_due_soon": 1,
        "decision_overdue": 0,
    }
    link = mine["items"][0]["filter"]
    assert link["assigned_to"] == "staff-1"
    assert set(await reporting.numbers(link)) == {"A-ADV-MINE", "A-ADV-4EYES"}
    unassigned = await work_list(reporting, {"municipality": AMSTERDAM, "assignee": "none"})
    assert unassigned["items"][0]["count"] == 1
    assert await reporting.numbers(unassigned["items"][0]["filter"]) == ["A-ADV"]

    # An ISD user sees its municipalities together (the default) or one of them.
    isd = await work_list(reporting, municipalities=ISD)
    assert isd["municipalities"] == list(ISD)
    assert isd["items"][0]["count"] == 4
    assert set(await reporting.numbers(isd["items"][0]["filter"], municipalities=ISD)) == {
        "A-ADV",
        "A-ADV-MINE",
        "A-ADV-4EYES",
        "R-ADV",
    }
    rotterdam = await work_list(reporting, {"municipality": ROTTERDAM}, municipalities=ISD)
    assert rotterdam["items"][0]["count"] == 1
    hidden = await reporting.get("/worklist", {"municipality": UTRECHT}, municipalities=ISD)
    assert hidden.status_code == 404
    for role in ("operator", "auditor"):
        expected = 403 if role == "operator" else 200
        assert (await reporting.get("/worklist", role=role)).status_code == expected, role


async def test_the_deadline_filter_and_the_overview_count_undecided_cases(
    reporting: Reporting,
) -> None:
    ids = await seed(reporting)
    soon = await reporting.items({"deadline": "within_7_days"})
    assert {i["application_number"] for i in soon} == EXPECTED["decision_due_soon"]
    assert sorted(i["decision_days_left"] for i in soon) == [0, 7]
    passed = await reporting.items({"deadline": "passed", "municipality": AMSTERDAM})
    assert {i["application_number"] for i in passed} == EXPECTED["decision_overdue"]
    assert sorted(i["decision_days_left"] for i in passed) == [-30, -1]

    detail = (await reporting.get(f"/cases/{ids['due_in_8']}")).json()
    assert (detail["decision_due_on"], detail["decision_days_left"]) == (day(8).isoformat(), 8)
    assert detail["decision_term_suspended"] is False
    decided = (await reporting.get(f"/cases/{ids['overdue_decided']}")).json()
    assert decided["decision_due_on"] == day(-30).isoformat()
    assert decided["decision_days_left"] is None  # the term no longer runs
    running = (await reporting.get(f"/cases/{ids['term_ending']}")).json()
    # Due in 40 days, and suspended from the request (10 days ago) to the term's last day.
    assert running["decision_due_on"] == day(40 + 13).isoformat()
    assert running["decision_term_suspended"] is True
    re_examination = (await reporting.get(f"/cases/{ids['overdue_re_examination']}")).json()
    assert (re_examination["decision_due_on"], re_examination["decision_days_left"]) == (None, None)

    overview = await reporting.get("/overview", {"municipality": AMSTERDAM})
    assert overview.json()["deadlines"] == {"within_7_days": 2, "passed": 2}
    isd = await reporting.get("/overview", {"municipality": list(ISD)}, municipalities=ISD)
    assert isd.json()["deadlines"] == {"within_7_days": 2, "passed": 2}
    only_re_examinations = await reporting.get(
        "/overview", {"municipality": AMSTERDAM, "kind": "re_examination"}
    )
    assert only_re_examinations.json()["deadlines"] == {"within_7_days": 0, "passed": 0}


async def test_a_wrong_value_is_refused_in_dutch_naming_the_allowed_ones(
    reporting: Reporting,
) -> None:
    response = await reporting.get("/cases", {"deadline": "tomorrow"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Onbekende waarde voor deadline: kies uit within_7_days, passed."
    }
    response = await reporting.get("/cases", {"worklist": "everything"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("Onbekende waarde voor worklist: kies uit advice_to_decide, ")
    assert "decision_overdue" in detail
    export = await reporting.get("/cases/export.csv", {"worklist": "everything"})
    assert export.status_code == 422
