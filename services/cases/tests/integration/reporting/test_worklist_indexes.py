"""The work list's counts and the deadline filter read their partial indexes, never the table.

20,000 cases over 20 municipalities, a tenth of them in each state the work list counts, are
copied into a migrated database and analysed; the statements the service runs are EXPLAINed.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import Select
from sqlalchemy.dialects import postgresql

from cases.reporting import search
from cases.reporting.filters import CaseFilter
from cases.worklist.items import Today
from cases.worklist.repository import count_statement
from contracts.vocabulary import DeadlineFilter, WorkItem
from servicekit.db import drop_database
from servicekit.migrations import upgrade
from servicekit.testing import fresh_database

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"
MUNICIPALITIES = tuple(f"{code:04d}" for code in range(100, 2100, 100))
STATUSES = ("received", "awaiting_data", "advice_ready", "under_investigation", "on_hold")
STATUSES += ("decided_granted", "decided_rejected", "closed", "closed", "closed")
COLUMNS = (
    *("id", "kind", "application_number", "application_id", "municipality_code", "status"),
    *("submitted_at", "status_changed_at", "adults", "persons", "revision", "corrected"),
    *("assigned_to", "term_ends_on", "term_request_id", "term_requested_on"),
    *("data_arrived_at", "failed_letter_ids", "reminder_sent_at", "four_eyes"),
)
TODAY = Today.now()
CASES = 20_000
INDEX_OF = {
    WorkItem.DATA_DELIVERED: "cases_data_arrived_idx",
    WorkItem.TERM_ENDING: "cases_term_ends_idx",
    WorkItem.TERM_PASSED: "cases_term_ends_idx",
    WorkItem.LETTER_FAILED: "cases_letter_failed_idx",
    WorkItem.REMINDER_SENT_TODAY: "cases_reminder_sent_idx",
    WorkItem.FOUR_EYES: "cases_four_eyes_idx",
    WorkItem.DECISION_DUE_SOON: "cases_decision_due_idx",
    WorkItem.DECISION_OVERDUE: "cases_decision_due_idx",
    WorkItem.ADVICE_TO_DECIDE: "cases_overview_idx",
}


def rows() -> list[tuple[Any, ...]]:
    rng = random.Random(9)
    found = []
    now = datetime.now(UTC)
    for n in range(CASES):
        status = rng.choice(STATUSES)
        submitted = now - timedelta(days=rng.randrange(700))
        municipality = MUNICIPALITIES[n % len(MUNICIPALITIES)]
        term = (None, None, None)
        if status == "under_investigation":
            ends = TODAY.day + timedelta(days=rng.randrange(-10, 15))
            term = (ends, uuid.uuid4(), ends - timedelta(days=14))
        found.append(
            (
                uuid.uuid4(),
                "application",
                f"GV-{n:07d}",
                uuid.uuid4(),
                municipality,
                status,
                submitted,
                submitted,
                1,
                1,
                1,
                False,
                f"staff-{n % 40}",
                *term,
                submitted if rng.random() < 0.05 else None,
                [uuid.uuid4()] if rng.random() < 0.01 else [],
                now if rng.random() < 0.02 else None,
                municipality in MUNICIPALITIES[:3],
            )
        )
    return found


@pytest.fixture(scope="module")
async def analysed(postgres_server_url: str) -> AsyncIterator[asyncpg.Connection]:
    url = await fresh_database(postgres_server_url, "test_worklist_indexes")
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    await connection.copy_records_to_table("cases", records=rows(), columns=COLUMNS)
    await connection.execute("VACUUM ANALYZE cases")
    try:
        yield connection
    finally:
        await connection.close()
        await drop_database(url)


async def plan(connection: asyncpg.Connection, statement: Select[Any]) -> str:
    dialect = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]
    sql = statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    lines = await connection.fetch("EXPLAIN " + str(sql))
    return "\n".join(line[0] for line in lines)


@pytest.mark.parametrize("assignee", [None, "staff-3"])
@pytest.mark.parametrize("scope", [MUNICIPALITIES[:4], MUNICIPALITIES[7:8]])
@pytest.mark.parametrize("item", list(WorkItem))
async def test_every_count_reads_its_own_index(
    analysed: asyncpg.Connection, item: WorkItem, scope: tuple[str, ...], assignee: str | None
) -> None:
    statement = count_statement(items=[item], municipalities=scope, today=TODAY, assignee=assignee)
    text = await plan(analysed, statement)
    assert "Seq Scan" not in text, text
    if assignee is None or item is not WorkItem.ADVICE_TO_DECIDE:
        # A user's advices may equally come from their own index (`cases_assigned_idx`).
        assert INDEX_OF[item] in text, text


async def test_the_deadline_filter_reads_an_index(analysed: asyncpg.Connection) -> None:
    for deadline in DeadlineFilter:
        for scope in (MUNICIPALITIES[:4], MUNICIPALITIES[7:8]):
            statement = search.list_statement(
                CaseFilter(scope=scope, deadline=deadline), limit=51, after=None
            )
            assert "Seq Scan" not in await plan(analysed, statement)
