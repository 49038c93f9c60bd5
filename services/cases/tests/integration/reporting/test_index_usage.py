"""The common list, search and overview queries are answered by indexes, not table scans.

20,000 cases over 20 municipalities (about 44,000 persons) are copied into a migrated
database and analysed; the queries the service really runs are EXPLAINed.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import Select, func, select
from sqlalchemy.dialects import postgresql

from cases.models import Case
from cases.reporting import search
from cases.reporting.filters import CaseFilter, Sort, parse_text_query
from servicekit.db import drop_database
from servicekit.migrations import upgrade
from servicekit.testing import fresh_database

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"
MUNICIPALITIES = tuple(f"{code:04d}" for code in range(100, 2100, 100))
SURNAMES: tuple[str, ...] = ("Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit")
SURNAMES += ("Meijer", "Bos", "Mulder", "de Boer", "Peters", "Hendriks", "Dekker", "Yılmaz")
STATUSES = ("received", "awaiting_data", "advice_ready", "decided_granted", "closed", "on_hold")
CASES = 20_000
CASE_COLUMNS = (
    "id",
    "kind",
    "application_number",
    "application_id",
    "municipality_code",
    "status",
    "submitted_at",
    "status_changed_at",
    "adults",
    "persons",
    "revision",
    "corrected",
)
PERSON_COLUMNS: tuple[str, ...] = ("case_id", "position", "role", "bsn", "initials", "last_name")
PERSON_COLUMNS += ("first_name", "date_of_birth", "postal_code")


def rows(count: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    rng = random.Random(4)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    cases: list[tuple[Any, ...]] = []
    persons: list[tuple[Any, ...]] = []
    for n in range(count):
        case_id = uuid.uuid4()
        members = 2 if rng.random() < 0.4 else 1
        children = rng.choice((0, 0, 1, 2, 3))
        moment = start + timedelta(minutes=23 * n)
        cases.append(
            (
                case_id,
                "application",
                f"GV-2026-{n:07d}",
                uuid.uuid4(),
                MUNICIPALITIES[n % len(MUNICIPALITIES)],
                rng.choice(STATUSES),
                moment,
                moment,
                members,
                members + children,
                1,
                False,
            )
        )
        surname = "Çelik-Ünal" if n == 4242 else rng.choice(SURNAMES)
        for position in range(members + children):
            role = ("applicant", "partner")[position] if position < members else "child"
            persons.append(
                (
                    case_id,
                    position,
                    role,
                    f"{100_000_000 + n * 4 + position}",
                    "A." if role != "child" else None,
                    surname if role != "child" else None,
                    f"Kind{position}" if role == "child" else None,
                    date(1980, 1, 1),
                    f"{1000 + n % 8000} AB" if role != "child" else None,
                )
            )
    return cases, persons


@pytest.fixture(scope="module")
async def analysed(postgres_server_url: str) -> AsyncIterator[asyncpg.Connection]:
    url = await fresh_database(postgres_server_url, "test_indexes")
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    cases, persons = rows(CASES)
    await connection.copy_records_to_table("cases", records=cases, columns=CASE_COLUMNS)
    await connection.copy_records_to_table("case_persons", records=persons, columns=PERSON_COLUMNS)
    await connection.execute("VACUUM ANALYZE cases")
    await connection.execute("VACUUM ANALYZE case_persons")
    try:
        yield connection
    finally:
        await connection.close()
        await drop_database(url)


async def plan(connection: asyncpg.Connection, statement: Select[Any] | Any) -> str:
    dialect = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]
    sql = statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    lines = await connection.fetch("EXPLAIN " + str(sql))
    return "\n".join(line[0] for line in lines)


def page(**filters: Any) -> Select[Any]:
    return search.list_statement(CaseFilter(**filters), limit=51, after=None)


def assert_indexed(text: str, *indexes: str) -> None:
    assert "Seq Scan on cases" not in text, text
    assert "Seq Scan on case_persons" not in text, text
    for index in indexes:
        assert index in text, text


async def test_a_municipality_list_page_reads_a_listing_index(
    analysed: asyncpg.Connection,
) -> None:
    # Either the municipality's own listing index, or (municipalities interleaved in time)
    # the global one backwards until the page is full: both stop after a page.
    for sort, index in ((Sort.SUBMITTED_DESC, "listing_idx"), (Sort.CHANGED_DESC, "changed_idx")):
        text = await plan(analysed, page(scope=("0300",), sort=sort))
        assert_indexed(text, index)


async def test_an_isd_list_page_reads_an_index(analysed: asyncpg.Connection) -> None:
    assert_indexed(await plan(analysed, page(scope=MUNICIPALITIES[:4])))


async def test_a_status_filter_reads_the_overview_index(analysed: asyncpg.Connection) -> None:
    text = await plan(analysed, page(scope=("0300",), statuses=("received",)))
    assert_indexed(text, "cases_overview_idx")


async def test_a_name_search_reads_the_trigram_index(analysed: asyncpg.Connection) -> None:
    for query in ("celik", "çelik-ünal", "a. celik"):
        text = await plan(analysed, page(scope=("0300",), q=parse_text_query(query)))
        assert_indexed(text, "case_persons_search_name_idx")


async def test_a_bsn_or_postal_code_or_number_reads_its_index(
    analysed: asyncpg.Connection,
) -> None:
    text = await plan(analysed, page(scope=MUNICIPALITIES[:4], bsn="100016969"))
    assert_indexed(text, "case_persons_bsn_idx")
    text = await plan(analysed, page(scope=("0300",), q=parse_text_query("1234ab")))
    assert_indexed(text, "case_persons_postal_code_idx")
    text = await plan(analysed, page(scope=("0300",), q=parse_text_query("GV-2026-0004242")))
    assert_indexed(text, "cases_application_number_idx")


async def test_the_overview_is_an_index_only_aggregate(analysed: asyncpg.Connection) -> None:
    filters = search.overview_conditions(
        kind="application", submitted_from=datetime(2026, 3, 1, tzinfo=UTC)
    )
    statement = (
        select(Case.status, func.count(), func.sum(Case.adults), func.sum(Case.persons))
        .where(Case.municipality_code.in_(MUNICIPALITIES[:4]), *filters)
        .group_by(Case.status)
    )
    assert_indexed(await plan(analysed, statement), "Index Only Scan using cases_overview_idx")


async def test_few_household_matches_are_fetched_by_primary_key(
    analysed: asyncpg.Connection,
) -> None:
    ids = [r["case_id"] for r in await analysed.fetch("SELECT case_id FROM case_persons LIMIT 40")]
    statement = search.list_statement(
        CaseFilter(scope=MUNICIPALITIES[:4], bsn="100016969"), limit=51, after=None, case_ids=ids
    )
    assert_indexed(await plan(analysed, statement), "cases_pkey")
