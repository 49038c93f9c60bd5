"""Licences in the gateway: set by an operator (CLI, public API), audited, announced once
through the outbox; read by the municipality's own staff; and enforced by a service the
gateway announced it to (the real assessment service, in this process)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select, text

from contracts.licences import Licence
from gateway.admin import main
from gateway.settings import GatewaySettings
from servicekit.db import Database
from servicekit.tables import outbox, tenant_municipalities
from servicekit.testing import eventually

from .conftest import MakeKey, bearer
from .services import (
    UNREACHABLE,
    AssessmentService,
    Services,
    gateway_before,
    running_assessment,
)

LICENCE_CHANGED = "gateway.municipality.licence_changed"


@pytest.fixture
def use_database(gateway_database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GATEWAY_DATABASE_URL", gateway_database_url)
    return gateway_database_url


async def admin(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


async def licence_events(database: Database) -> list[dict[str, object]]:
    async with database.sessions() as session:
        rows = await session.execute(
            select(outbox.c.envelope)
            .where(outbox.c.routing_key == LICENCE_CHANGED)
            .order_by(outbox.c.id)
        )
        return [row.envelope["data"] for row in rows]


async def licence_audit(database: Database) -> list[tuple[str, str, str, str | None]]:
    async with database.sessions() as session:
        rows = await session.execute(
            text(
                "SELECT object, result, actor, organisation FROM security_audit "
                "WHERE action = 'licence.change' ORDER BY id"
            )
        )
        return [(r.object, r.result, r.actor, r.organisation) for r in rows]


async def test_set_licence_publishes_once_and_is_audited(
    use_database: str, seeded: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await admin("org", "set-licence", "0599", "extra") == 0
    assert await admin("org", "set-licence", "0599", "extra") == 0
    assert await admin("org", "list") == 0

    out = capsys.readouterr().out
    assert "municipality 0599: licence extra (changed)" in out
    assert "municipality 0599: licence extra (unchanged)" in out
    assert "0599                 Rotterdam  licence: extra" in out
    assert "0363                 Amsterdam  licence: premium + rechtmatigheid" in out
    events = await licence_events(seeded)
    assert len(events) == 1
    assert {k: events[0][k] for k in ("code", "licence", "addons", "changed_by")} == {
        "code": "0599",
        "licence": "extra",
        "addons": [],
        "changed_by": "cli",
    }
    assert await licence_audit(seeded) == [
        ("municipality:0599", "success: premium+rechtmatigheid -> extra", "cli", "0599")
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["0599", "goud"], "Onbekende licentie 'goud'. Kies basis, extra of premium."),
        (["0599", "extra", "--addon", "rechtmatigheid"], "hoort bij de licentie Premium"),
        (["0599", "premium", "--addon", "ockto"], "Onbekende module 'ockto'"),
        (["9999", "basis"], "Onbekende gemeente '9999'"),
    ],
)
async def test_bad_licence_input_is_refused_with_exit_code_2(
    use_database: str,
    seeded: Database,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    assert await admin("org", "set-licence", *argv) == 2

    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""
    assert await licence_events(seeded) == []
    assert await licence_audit(seeded) == []


async def test_the_seed_file_may_set_a_licence(
    use_database: str, seeded: Database, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    seed = Path(str(tmp_path)) / "organisations.json"
    seed.write_text(
        '{"municipalities": [{"code": "0363", "name": "Amsterdam", "licence": "basis"}]}',
        encoding="utf-8",
    )

    assert await admin("org", "seed", str(seed)) == 0
    assert await admin("org", "seed", str(seed)) == 0

    out = capsys.readouterr().out
    assert "licence 0363: changed" in out
    assert "licence 0363: unchanged" in out
    assert [e["licence"] for e in await licence_events(seeded)] == ["basis"]


async def test_the_public_api_reads_and_an_operator_sets_the_licence(
    recording_client: httpx.AsyncClient, make_key: MakeKey, seeded: Database
) -> None:
    # Noordwijk: the municipality the tests keep on Extra. The services in this test session
    # hear the change too, and others import re-examinations for Hillegom (0534).
    operator = bearer(await make_key("platform", "operator"))
    isd = bearer(await make_key("isd-bollenstreek", "raadpleger"))
    amsterdam = bearer(await make_key("0363", "behandelaar"))

    changed = await recording_client.put(
        "/api/v1/municipalities/0575/licence", json={"licence": "extra"}, headers=operator
    )
    read = await recording_client.get("/api/v1/municipalities/0575/licence", headers=isd)
    elsewhere = await recording_client.get("/api/v1/municipalities/0575/licence", headers=amsterdam)
    wrong = await recording_client.put(
        "/api/v1/municipalities/0575/licence",
        json={"licence": "basis", "addons": ["rechtmatigheid"]},
        headers=operator,
    )
    not_allowed = await recording_client.put(
        "/api/v1/municipalities/0363/licence", json={"licence": "basis"}, headers=amsterdam
    )

    assert changed.status_code == 200, changed.text
    assert read.status_code == 200
    body = read.json()
    assert (body["licence"], body["licence_label"], body["addons"], body["default"]) == (
        "extra",
        "Extra",
        [],
        False,
    )
    features = {f["feature"]: f for f in body["features"]}
    assert features["decisions"]["included"] is True
    assert features["letters"]["included"] is False
    assert features["letters"]["reason"] == (
        "De licentie van deze gemeente (Extra) omvat niet briefsjablonen en beschikkingen als "
        "PDF: daarvoor is de licentie Premium nodig."
    )
    assert elsewhere.status_code == 404
    assert wrong.status_code == 422
    assert "hoort bij de licentie Premium" in wrong.text
    assert not_allowed.status_code == 403
    events = await licence_events(seeded)
    assert [(e["code"], e["licence"]) for e in events] == [("0575", "extra")]
    assert str(events[0]["changed_by"]).startswith("api-key:")


@pytest.fixture(scope="module")
async def assessment(postgres_server_url: str, amqp_url: str) -> AsyncIterator[AssessmentService]:
    async with running_assessment(
        # No documents service: a Basis municipality never gets an Ockto session to store from.
        postgres_server_url,
        amqp_url,
        documents_url=UNREACHABLE,
    ) as running:
        yield running


async def test_a_basis_municipality_asking_for_a_decision_is_refused_naming_its_licence(
    settings: GatewaySettings,
    seeded: Database,
    services: Services,
    make_key: MakeKey,
    assessment: AssessmentService,
) -> None:
    """Through the gateway: the operator's change goes out through its outbox and the bus, the
    assessment service enforces it, and its Dutch refusal reaches the caller unchanged."""
    async with (
        gateway_before(services, settings) as (app, gateway),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=assessment.for_gateway), base_url="http://a"
        ) as to_assessment,
    ):
        app.state.downstreams.assessment.client = to_assessment
        operator = bearer(await make_key("platform", "operator"))
        set_ = await gateway.put(
            "/api/v1/municipalities/0014/licence", json={"licence": "basis"}, headers=operator
        )
        assert set_.status_code == 200, set_.text

        async def enforced() -> bool:
            async with assessment.database.sessions() as session:
                licence = await session.scalar(
                    select(tenant_municipalities.c.licence).where(
                        tenant_municipalities.c.code == "0014"
                    )
                )
            return licence == Licence.BASIS.value

        await eventually(enforced, seconds=30)
        case = await services.open_case("0014")
        await assessment.until(case.id, "0014", lambda view: True)

        decided = await gateway.post(
            f"/api/v1/cases/{case.id}/decision",
            json={"outcome": "granted", "reasons": [], "motivation": None},
            headers=bearer(await make_key("0014", "beslisser")),
        )

    assert decided.status_code == 403, decided.text
    assert decided.json()["detail"] == (
        "De licentie van deze gemeente (Basis) omvat niet besluiten vastleggen: daarvoor is de "
        "licentie Extra nodig."
    )
