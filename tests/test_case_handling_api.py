"""The public case-handling and reporting routes, through the real gateway to the real cases
service: hold, memo, assignment, status, history, export and access log, each within the
API key's organisation only."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest

from demodata import ApplicationFactory
from demodata.system import LocalSystem

from .e2e_support import api_key, eventually, publish_as_website

pytestmark = pytest.mark.e2e
EINDHOVEN = "0772"


async def test_a_case_is_handled_exported_and_its_access_logged_through_the_api(
    system: LocalSystem, api: httpx.AsyncClient
) -> None:
    body = ApplicationFactory(seed=14, number_offset=8_400_000).body(EINDHOVEN, city="Eindhoven")
    number = json.loads(body)["application"]["application_number"]
    await publish_as_website(system.amqp_url, [body])
    handler = await api_key(system, EINDHOVEN, "behandelaar")
    decider = await api_key(system, EINDHOVEN, "beslisser")
    auditor = await api_key(system, EINDHOVEN, "auditor")
    outsider = await api_key(system, "0599", "beslisser")

    found: list[str] = []

    async def invited_by_the_assessment() -> bool:
        # The municipality checks vooraf (the default): the assessment starts an Ockto session
        # when the case opens, and cases follows it to awaiting_data. Wait for it, so the
        # history below is in a known order.
        page = await api.get(
            "/api/v1/cases", params={"municipality": EINDHOVEN, "q": number}, headers=handler
        )
        found[:] = [item["id"] for item in page.json()["items"]]
        statuses = [item["status"] for item in page.json()["items"]]
        return statuses == ["awaiting_data"]

    await eventually(invited_by_the_assessment)
    case = f"/api/v1/cases/{found[0]}"

    viewed = await api.get(case, headers=handler)
    held = await api.put(
        f"{case}/hold", json={"reason": "Wacht op loonstrook", "until": None}, headers=handler
    )
    lifted = await api.delete(f"{case}/hold", params={"reason": "Binnen"}, headers=handler)
    memo = await api.post(
        f"{case}/memos", json={"text": "Gebeld", "corrects": None}, headers=handler
    )
    assigned = await api.put(f"{case}/assignee", json={"assignee": "me"}, headers=handler)
    ready = await api.post(
        f"{case}/transitions", json={"to": "advice_ready", "reason": "Compleet"}, headers=handler
    )
    not_a_decider = await api.post(
        f"{case}/transitions", json={"to": "decided_granted", "reason": "Past"}, headers=handler
    )
    not_here = await api.post(
        f"{case}/transitions", json={"to": "decided_granted", "reason": "Past"}, headers=decider
    )
    # The decision is the assessment's; the case's status follows its event.
    granted = await api.post(
        f"{case}/decision",
        json={"outcome": "granted", "motivation": "Loonstrook gezien, ruim onder de grens"},
        headers=decider,
    )

    async def decided() -> bool:
        return (await api.get(case, headers=handler)).json()["status"] == "decided_granted"

    await eventually(decided)
    history = await api.get(f"{case}/history", headers=handler)
    export = await api.get(
        "/api/v1/cases/export.csv",
        params={"q": number, "status": "decided_granted"},
        headers=decider,
    )
    log = await api.get(
        "/api/v1/audit", params={"case_id": case.rsplit("/", 1)[1]}, headers=auditor
    )

    assert viewed.status_code == 200
    assert [held.status_code, lifted.status_code, memo.status_code] == [200, 200, 201]
    assert [assigned.status_code, ready.status_code, granted.status_code] == [200, 200, 201]
    assert not_a_decider.status_code == 403
    assert "beslisser" in not_a_decider.json()["detail"]
    assert not_here.status_code == 409
    assert "beoordeling" in not_here.json()["detail"]
    assert [entry["action"] for entry in history.json()] == [
        "opened",
        "awaiting_data",
        "put_on_hold",
        "hold_lifted",
        "memo_added",
        "assigned",
        "advice_ready",
        "decided",
    ]
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert [row["aanvraagnummer"] for row in rows] == [number]
    assert log.status_code == 200, log.text
    assert "case.viewed" in {entry["action"] for entry in log.json()["items"]}
    for method, path in (("GET", "/history"), ("GET", "/memos"), ("GET", "")):
        assert (await api.request(method, case + path, headers=outsider)).status_code == 404
    refused = await api.put(f"{case}/hold", json={"reason": "x" * 5}, headers=outsider)
    assert refused.status_code == 404
