"""`backoffice-admin`, called in-process against a real migrated database."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from gateway import repository
from gateway.admin import main
from servicekit.db import Database
from servicekit.tables import outbox


@pytest.fixture
def use_database(gateway_database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GATEWAY_DATABASE_URL", gateway_database_url)
    return gateway_database_url


async def admin(*argv: str) -> int:
    """Run the CLI in a thread: it runs its own event loop, as it does from a shell."""
    return await asyncio.to_thread(main, list(argv))


async def outbox_events(database: Database) -> list[tuple[str, dict[str, object]]]:
    async with database.sessions() as session:
        rows = await session.execute(
            select(outbox.c.routing_key, outbox.c.envelope).order_by(outbox.c.id)
        )
        return [(row.routing_key, row.envelope["data"]) for row in rows]


async def test_add_a_municipality_and_an_isd(
    use_database: str, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await admin("org", "add-municipality", "0534", "Hillegom") == 0
    assert await admin("org", "add-municipality", "0553", "Lisse") == 0
    assert (
        await admin(
            "org", "add-isd", "isd-bollenstreek", "ISD Bollenstreek", "--members", "0553,0534"
        )
        == 0
    )
    assert await admin("org", "list") == 0

    out = capsys.readouterr().out
    assert "municipality 0534: added" in out
    assert "isd isd-bollenstreek: added" in out
    assert "members: 0534,0553" in out
    assert await outbox_events(database) == [
        ("gateway.municipality.registered", {"code": "0534", "name": "Hillegom"}),
        ("gateway.municipality.registered", {"code": "0553", "name": "Lisse"}),
        (
            "gateway.isd.registered",
            {"isd_id": "isd-bollenstreek", "name": "ISD Bollenstreek", "members": ["0534", "0553"]},
        ),
    ]


async def test_a_rename_publishes_and_a_repeat_does_not(
    use_database: str, database: Database
) -> None:
    await admin("org", "add-municipality", "0363", "Amsterdam")
    await admin("org", "add-municipality", "0363", "Amsterdam")
    await admin("org", "add-municipality", "0363", "Gemeente Amsterdam")

    assert [data for _, data in await outbox_events(database)] == [
        {"code": "0363", "name": "Amsterdam"},
        {"code": "0363", "name": "Gemeente Amsterdam"},
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["org", "add-municipality", "363", "Amsterdam"], "malformed"),
        (["org", "add-municipality", "0363", "  "], "name must be"),
        (
            ["org", "add-isd", "isd-x", "ISD X", "--members", "0363,9999"],
            "unknown municipalities: 9999",
        ),
        (["org", "add-isd", "ISD X", "ISD X", "--members", "0363"], "malformed"),
        (["org", "add-isd", "platform", "P", "--members", "0363"], "reserved"),
        (["api-key", "create", "--org", "0599", "--role", "behandelaar"], "unknown municipality"),
        (["api-key", "create", "--org", "isd-nowhere", "--role", "behandelaar"], "unknown ISD"),
        (["api-key", "create", "--org", "0363", "--role", "admin"], "unknown role 'admin'"),
        (["api-key", "create", "--org", "0363", "--role", "operator"], "only for the organisation"),
        (["api-key", "create", "--org", "platform", "--role", "system"], "role 'system' is for"),
        (["api-key", "create", "--org", "0363", "--role", "system"], "never given to an API key"),
        (
            ["api-key", "create", "--org", "platform", "--role", "behandelaar"],
            "only for the organisation",
        ),
        (["api-key", "revoke", "zzzzzzzz"], "unknown API key id"),
        (["org", "seed", "/nonexistent/organisations.json"], "cannot read seed file"),
        (["org", "frobnicate"], "invalid choice"),
    ],
)
async def test_bad_input_is_refused_with_exit_code_2(
    use_database: str,
    database: Database,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    await admin("org", "add-municipality", "0363", "Amsterdam")
    capsys.readouterr()

    assert await admin(*argv) == 2

    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""
    assert len(await outbox_events(database)) == 1


async def test_api_keys_are_created_listed_and_revoked(
    use_database: str, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    await admin("org", "add-municipality", "0363", "Amsterdam")
    capsys.readouterr()

    assert (
        await admin(
            "api-key", "create", "--org", "0363", "--role", "behandelaar", "--label", "zaaksysteem"
        )
        == 0
    )
    created = capsys.readouterr()
    token = created.out.strip()
    key_id = token.split("_")[1]
    assert token.startswith(f"bo_{key_id}_")
    assert "not shown again" in created.err

    assert await admin("api-key", "create", "--org", "platform", "--role", "operator") == 0
    capsys.readouterr()
    assert await admin("api-key", "list") == 0
    listing = capsys.readouterr().out
    assert key_id in listing
    assert "zaaksysteem" in listing
    assert "platform" in listing
    assert token.split("_", 2)[2] not in listing

    assert await admin("api-key", "revoke", key_id) == 0
    assert await admin("api-key", "revoke", key_id) == 0
    out = capsys.readouterr().out
    assert f"API key {key_id}: revoked" in out
    assert "was already revoked" in out
    async with database.sessions() as session:
        key = await repository.get_api_key(session, key_id)
        stored = (await session.execute(text("SELECT secret_sha256 FROM api_keys"))).scalars().all()
    assert key is not None
    assert key.revoked_at is not None
    assert all(token.split("_", 2)[2] not in value for value in stored)


async def test_seed_is_idempotent(
    use_database: str, database: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert await admin("org", "seed") == 0
    first = capsys.readouterr().out
    assert await admin("org", "seed") == 0
    second = capsys.readouterr().out

    assert "11 of 11 organisations added or changed" in first
    assert "0 of 11 organisations added or changed" in second
    assert len(await outbox_events(database)) == 11

    changed = tmp_path / "organisations.json"
    changed.write_text(
        json.dumps(
            {
                "municipalities": [{"code": "0363", "name": "Amsterdam"}],
                "isds": [
                    {
                        "id": "isd-bollenstreek",
                        "name": "ISD Bollenstreek",
                        "members": ["0534", "0553", "0575"],
                    }
                ],
            }
        )
    )
    assert await admin("org", "seed", str(changed)) == 0
    assert "isd isd-bollenstreek: changed" in capsys.readouterr().out
    events = await outbox_events(database)
    assert len(events) == 12
    assert events[-1][1]["members"] == ["0534", "0553", "0575"]


async def test_a_database_that_is_not_migrated_gives_a_clear_error(
    scratch_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GATEWAY_DATABASE_URL", scratch_database_url)

    assert await admin("org", "list") == 1

    assert "not migrated" in capsys.readouterr().err


async def test_an_unreachable_database_gives_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GATEWAY_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:1/nothing")

    assert await admin("org", "list") == 1

    assert "cannot use the gateway database" in capsys.readouterr().err
