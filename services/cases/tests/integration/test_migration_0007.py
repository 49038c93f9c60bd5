"""Migration 0007 fills the decision term of the cases already there (from the history of
their information requests), their arrived data, and the access log's application numbers;
and it downgrades cleanly."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
import pytest
from alembic import command

from servicekit.db import drop_database
from servicekit.migrations import alembic_config
from servicekit.testing import fresh_database

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
SUBMITTED = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # due 28 December 2026 without suspension


@pytest.fixture
async def at_0006(postgres_server_url: str) -> AsyncIterator[tuple[str, asyncpg.Connection]]:
    url = await fresh_database(postgres_server_url, "test_migration_0007")
    config = alembic_config(MIGRATIONS, url)
    await asyncio.to_thread(command.upgrade, config, "0006")
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        yield url, connection
    finally:
        await connection.close()
        await drop_database(url)


async def add_case(
    connection: asyncpg.Connection,
    number: str,
    *,
    status: str = "under_investigation",
    **more: object,
) -> uuid.UUID:
    case_id = uuid.uuid4()
    columns = {
        "id": case_id,
        "kind": "application",
        "application_number": number,
        "application_id": uuid.uuid4(),
        "municipality_code": "0363",
        "status": status,
        "submitted_at": SUBMITTED,
        "status_changed_at": SUBMITTED,
        "adults": 1,
        "persons": 1,
        "revision": 1,
        "corrected": False,
        **more,
    }
    names = ", ".join(columns)
    values = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    await connection.execute(f"INSERT INTO cases ({names}) VALUES ({values})", *columns.values())
    return case_id


async def add_history(
    connection: asyncpg.Connection, case_id: uuid.UUID, action: str, at: datetime, **details: str
) -> None:
    await connection.execute(
        "INSERT INTO case_history (case_id, occurred_at, action, actor, details) "
        "VALUES ($1, $2, $3, 'system', $4::jsonb)",
        case_id,
        at,
        action,
        json.dumps(details),
    )


async def test_existing_cases_get_their_decision_term(
    at_0006: tuple[str, asyncpg.Connection],
) -> None:
    url, connection = at_0006
    done, running = uuid.uuid4(), uuid.uuid4()
    answered = await add_case(connection, "GV-1")
    await add_history(
        connection,
        answered,
        "investigation_started",
        datetime(2026, 11, 20, 10, tzinfo=UTC),
        request_id=str(done),
        term_ends_on="2026-12-05",
    )
    await add_history(
        connection,
        answered,
        "information_received",
        datetime(2026, 11, 26, 10, tzinfo=UTC),
        request_id=str(done),
    )
    await add_history(
        connection,
        answered,
        "information_requested",
        datetime(2026, 12, 1, 10, tzinfo=UTC),
        request_id=str(running),
        term_ends_on="2026-12-15",
    )
    await connection.execute(
        "UPDATE cases SET term_request_id = $1, term_ends_on = '2026-12-15' WHERE id = $2",
        running,
        answered,
    )
    waiting = await add_case(connection, "GV-2", status="awaiting_data")
    await add_history(connection, waiting, "data_delivered", datetime(2026, 12, 2, tzinfo=UTC))
    moved = await add_case(
        connection,
        "GV-4",
        status="advice_ready",
        status_changed_at=datetime(2026, 12, 3, tzinfo=UTC),
    )
    await add_history(connection, moved, "data_delivered", datetime(2026, 12, 2, tzinfo=UTC))
    decided = await add_case(connection, "GV-3", status="decided_granted")
    await add_history(connection, decided, "data_delivered", datetime(2026, 12, 2, tzinfo=UTC))
    await connection.execute(
        "INSERT INTO access_log (actor, organisation, role, action, municipality_code, case_id, "
        "purpose, trace_id, details) VALUES ('staff-1', 'org', 'behandelaar', 'case.viewed', "
        "'0363', $1, 'case_handling', 't', '{}')",
        answered,
    )

    await asyncio.to_thread(command.upgrade, alembic_config(MIGRATIONS, url), "head")

    rows = {
        r["application_number"]: r
        for r in await connection.fetch(
            "SELECT application_number, term_requested_on, term_suspended_days, decision_due_on, "
            "data_arrived_at, failed_letter_ids FROM cases"
        )
    }
    first = rows["GV-1"]
    # 6 days of the finished term (20 to 26 November), the running one 1 to 15 December.
    assert (first["term_suspended_days"], first["term_requested_on"]) == (6, date(2026, 12, 1))
    assert first["decision_due_on"] == date(2027, 1, 17)  # 28 December + 6 + 14
    assert rows["GV-2"]["decision_due_on"] == date(2026, 12, 28)
    assert rows["GV-2"]["data_arrived_at"] == datetime(2026, 12, 2, tzinfo=UTC)
    assert rows["GV-3"]["data_arrived_at"] is None  # decided: nothing left to handle
    assert rows["GV-4"]["data_arrived_at"] is None  # moved on since the data arrived
    assert rows["GV-3"]["failed_letter_ids"] == []
    numbers = await connection.fetch("SELECT application_number FROM access_log")
    assert [r["application_number"] for r in numbers] == ["GV-1"]

    await asyncio.to_thread(command.downgrade, alembic_config(MIGRATIONS, url), "0006")
    columns = {
        r["column_name"]
        for r in await connection.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'cases'"
        )
    }
    assert "decision_due_on" not in columns
    assert "term_ends_on" in columns
