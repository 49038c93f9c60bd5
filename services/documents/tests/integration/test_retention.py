"""Retention with a moved clock: evidence after a year, letters after seven, a municipality's
own periods, a legal hold that stops it; sweepers at once remove each document once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from contracts.base import Envelope
from contracts.cases import CaseStatusChanged
from documents import handlers
from documents.files.models import DocumentDeletion
from documents.known_cases.models import KnownCase
from servicekit.routes import HandlerContext

from .. import samples
from .support import Harness

YEAR = timedelta(days=366)


@pytest.fixture
def clock(harness: Harness) -> Iterator[None]:
    yield
    harness.app.state.runtime.clock.set_offset(timedelta())


async def _closed_case(harness: Harness, municipality: str = "0363") -> tuple[uuid.UUID, str, str]:
    """A closed case with one piece of evidence and one letter; their document ids."""
    case_id = await harness.open_case(municipality)
    headers = harness.headers(municipality)
    evidence = (await harness.upload(case_id, samples.pdf(), headers=headers)).json()["id"]
    letter = (
        await harness.upload(
            case_id, samples.pdf(), kind="letter", headers=harness.system_headers()
        )
    ).json()["id"]
    await harness.change_status(case_id, "closed", municipality=municipality)
    return case_id, evidence, letter


async def _sweep(harness: Harness, after: timedelta) -> None:
    harness.app.state.runtime.clock.set_offset(after)
    await harness.app.state.sweeper.sweep()


async def _ids(harness: Harness, case_id: uuid.UUID) -> set[str]:
    return {str(d.id) for d in await harness.documents_of(case_id)}


async def test_evidence_goes_after_a_year_and_letters_after_seven(
    harness: Harness, clock: None
) -> None:
    case_id, evidence, letter = await _closed_case(harness)
    objects = await harness.objects()
    open_case = await harness.open_case("0363")
    await harness.upload(open_case, samples.pdf())

    await _sweep(harness, YEAR - timedelta(days=2))
    assert await _ids(harness, case_id) == {evidence, letter}

    await _sweep(harness, YEAR)
    assert await _ids(harness, case_id) == {letter}
    assert len(objects - await harness.objects()) == 1
    deleted = await harness.outbox("documents.document.deleted", case_id)
    assert [(e["data"]["document_id"], e["data"]["reason"]) for e in deleted] == [
        (evidence, "retention")
    ]
    async with harness.database.sessions() as session:
        logged = await session.get(DocumentDeletion, uuid.UUID(evidence))
    assert logged is not None
    assert (logged.reason, logged.kind) == ("retention", "payslip")

    await _sweep(harness, 7 * YEAR)
    assert await _ids(harness, case_id) == set()
    assert len(await harness.documents_of(open_case)) == 1  # an open case keeps everything
    download = await harness.client.get(f"/documents/{letter}", headers=harness.headers())
    assert download.status_code == 404


async def test_a_municipality_sets_its_own_periods(harness: Harness, clock: None) -> None:
    manager = harness.headers("0599", role="functioneel_beheerder")
    put = await harness.client.put(
        "/municipalities/0599/retention",
        json={"letter_years": 10, "evidence_years": 3},
        headers=manager,
    )
    assert put.status_code == 200
    got = await harness.client.get("/municipalities/0599/retention", headers=manager)
    assert got.json() == {
        "municipality_code": "0599",
        "letter_years": 10,
        "evidence_years": 3,
        "is_default": False,
    }
    case_id, evidence, letter = await _closed_case(harness, "0599")
    await _sweep(harness, 2 * YEAR)
    assert await _ids(harness, case_id) == {evidence, letter}
    await _sweep(harness, 3 * YEAR)
    assert await _ids(harness, case_id) == {letter}
    await _sweep(harness, 9 * YEAR)
    assert await _ids(harness, case_id) == {letter}
    await _sweep(harness, 10 * YEAR)
    assert await _ids(harness, case_id) == set()


async def test_a_legal_hold_stops_retention_until_lifted(harness: Harness, clock: None) -> None:
    case_id, evidence, letter = await _closed_case(harness)
    beslisser = harness.headers("0363", role="beslisser")
    held = await harness.client.put(
        f"/cases/{case_id}/legal-hold", json={"reason": "Bezwaar loopt"}, headers=beslisser
    )
    assert held.status_code == 200
    assert held.json()["legal_hold"] is True

    await _sweep(harness, 8 * YEAR)
    assert await _ids(harness, case_id) == {evidence, letter}

    lifted = await harness.client.delete(f"/cases/{case_id}/legal-hold", headers=beslisser)
    assert lifted.json()["legal_hold"] is False
    await _sweep(harness, 8 * YEAR)
    assert await _ids(harness, case_id) == set()


async def test_sweepers_at_once_remove_each_document_once(harness: Harness, clock: None) -> None:
    cases = [await _closed_case(harness) for _ in range(3)]
    harness.app.state.runtime.clock.set_offset(8 * YEAR)
    sweeper = harness.app.state.sweeper
    await asyncio.gather(sweeper.sweep(), sweeper.sweep(), sweeper.sweep())
    for case_id, _, _ in cases:
        assert await _ids(harness, case_id) == set()
        assert len(await harness.outbox("documents.document.deleted", case_id)) == 2
    async with harness.database.sessions() as session:
        rows = await session.scalars(
            select(DocumentDeletion.case_id).where(
                DocumentDeletion.case_id.in_([c for c, _, _ in cases])
            )
        )
        assert len(list(rows)) == 6


async def test_a_status_change_older_than_the_known_one_is_ignored(harness: Harness) -> None:
    case_id = await harness.open_case("0363")
    await harness.change_status(case_id, "closed")
    stale = CaseStatusChanged(
        case_id=case_id,
        kind="application",
        municipality_code="0363",
        from_status="received",
        to_status="under_investigation",
        transition="investigation_started",
        changed_at=datetime.now(UTC) - timedelta(hours=1),
        actor="behandelaar-1",
    )
    async with harness.database.transaction() as session:
        await handlers.case_status_changed(
            HandlerContext(session, Envelope.wrap(stale, correlation_id="test")), stale
        )
    async with harness.database.sessions() as session:
        case = await session.get(KnownCase, case_id)
    assert case is not None
    assert (case.status, case.closed_at is not None) == ("closed", True)
