"""The demo data `make up` seeds reaches every stage by driving the running system: advices of
all three kinds, decisions with their letters sent, a running term, a hold, a case not
processed, aborted, restored and closed, a resident's upload, a municipality that checks
afterwards and a re-examination campaign with its letters. Same code as `make up` runs, in
municipalities of its own."""

from __future__ import annotations

import httpx
import pytest

from demodata import ApplicationFactory
from demodata.stages import ADVICE_SCENARIOS, Municipalities, Roles, run
from demodata.system import LocalSystem

from .e2e_support import api_key, publish_as_website

pytestmark = pytest.mark.e2e
WHERE = Municipalities(main="9311", campaign="9312", afterwards="9313")
ISD = "isd-demo-stages"


async def test_the_demo_reaches_every_stage_through_the_services(system: LocalSystem) -> None:
    names = ("Demodorp", "Campagnestad", "Nakijkdam")
    system.admin_all(
        *(
            ["org", "add-municipality", code, name]
            for code, name in zip(WHERE.__dict__.values(), names, strict=True)
        ),
        ["org", "add-isd", ISD, "ISD Demo", "--members", ",".join(WHERE.__dict__.values())],
    )
    system.wait_until_municipalities_known(tuple(WHERE.__dict__.values()))
    roles = Roles(
        handler=await api_key(system, ISD, "behandelaar"),
        decider=await api_key(system, ISD, "beslisser"),
        manager=await api_key(system, ISD, "functioneel_beheerder"),
    )
    factory = ApplicationFactory(seed=93, number_offset=9_311_000)
    await publish_as_website(
        system.amqp_url, [factory.body(WHERE.main) for _ in range(len(ADVICE_SCENARIOS) + 8)]
    )

    async def website(bodies: list[bytes]) -> None:
        await publish_as_website(system.amqp_url, bodies)

    async with (
        httpx.AsyncClient(base_url=system.url("gateway"), timeout=30) as api,
        system.ockto_client() as simulator,
    ):
        report = await run(api, simulator, roles, website, WHERE)

        assert {kind: len(ids) for kind, ids in report.advised.items()} == {
            "grant": 4,
            "reject": 2,
            "investigate": 2,
        }
        for status in (
            "received", "awaiting_data", "advice_ready", "on_hold", "under_investigation",
            "decided_granted", "decided_rejected", "not_processed", "aborted", "closed",
        ):  # fmt: skip
            assert report.statuses[status] >= 1, (status, report.statuses)
        assert len(report.decided_at_once) == 3
        assert report.campaign_letters == 12

        for case_id in report.letters_sent:
            letters = await api.get(
                f"/api/v1/cases/{case_id}/correspondence", headers=roles.handler
            )
            kinds = {(item["kind"], item["status"]) for item in letters.json()["letters"]}
            assert any(kind.startswith("decision_") and state == "sent" for kind, state in kinds)
        documents = await api.get(f"/api/v1/cases/{report.upload}/documents", headers=roles.handler)
        assert documents.status_code == 200, documents.text
        sources = [d["source"] for d in documents.json()["items"]]
        assert sources.count("resident") == 1, sources  # beside the letters the system stored
