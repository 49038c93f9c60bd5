"""Manual entry: staff enter incomes and assets from uploaded evidence, checked by the same
rules as a delivery, stored as a sealed package marked `manual`, and the advice recomputed.

Takes a session, never commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.advice import service as advice
from assessment.advice.models import GivenAdvice
from assessment.casefile import repository as cases
from assessment.casefile import service as casefile
from assessment.casefile.models import KnownCase
from assessment.crypto import Keyring
from assessment.manual.schemas import ManualData
from assessment.ockto import repository as packages
from assessment.ockto import store
from assessment.ockto.models import DataPackage
from assessment.ockto.validation import MAX_BALANCE, MAX_PERIOD_AMOUNT
from contracts.assessment import DataDelivered
from servicekit.outbox import add_event


class ManualDataError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _check(data: ManualData, case: KnownCase, documents: set[uuid.UUID], now: datetime) -> None:
    household = casefile.household_of(case)
    if len(set(data.persons)) != len(data.persons):
        raise ManualDataError("persons", "elke persoon één keer")
    if "partner" in data.persons and (household is None or household.partner is None):
        raise ManualDataError("persons", "er staat geen partner op de aanvraag")
    today = now.date()

    def linked(field: str, ids: list[uuid.UUID]) -> None:
        for index, document_id in enumerate(ids):
            if document_id not in documents:
                raise ManualDataError(f"{field}.{index}", "geen document van deze zaak")

    for index, income in enumerate(data.incomes):
        where = f"incomes.{index}"
        if income.person not in data.persons:
            raise ManualDataError(f"{where}.person", "staat niet bij persons")
        if (income.kind == "allowance") != (income.allowance_kind is not None):
            raise ManualDataError(f"{where}.allowance_kind", "alleen en altijd bij kind allowance")
        if income.period_end < income.period_start:
            raise ManualDataError(f"{where}.period_end", "ligt vóór period_start")
        if income.period_start > today:
            raise ManualDataError(f"{where}.period_start", "ligt in de toekomst")
        if income.net_amount > MAX_PERIOD_AMOUNT:
            raise ManualDataError(f"{where}.net_amount", "onwaarschijnlijk hoog")
        linked(f"{where}.document_ids", income.document_ids)
    for index, asset in enumerate(data.assets):
        where = f"assets.{index}"
        if asset.person != "joint" and asset.person not in data.persons:
            raise ManualDataError(f"{where}.person", "staat niet bij persons")
        if asset.reference_date > today:
            raise ManualDataError(f"{where}.reference_date", "ligt in de toekomst")
        if abs(asset.balance) > MAX_BALANCE:
            raise ManualDataError(f"{where}.balance", "onwaarschijnlijk hoog")
        linked(f"{where}.document_ids", asset.document_ids)
    linked("document_ids", data.document_ids)


def referenced_documents(data: ManualData) -> set[uuid.UUID]:
    """Every document the entry names as its evidence."""
    found = set(data.document_ids)
    for income in data.incomes:
        found.update(income.document_ids)
    for asset in data.assets:
        found.update(asset.document_ids)
    return found


def _document(data: ManualData) -> dict[str, Any]:
    document = data.model_dump(mode="json")
    document["persons_covered"] = list(data.persons)
    document["persons"] = [{"role": role, "sources": []} for role in data.persons]
    for income in document["incomes"]:
        income["source"] = "manual"
    for asset in document["assets"]:
        asset["source"] = "manual"
    return document


async def enter(
    session: AsyncSession,
    *,
    case: KnownCase,
    data: ManualData,
    keyring: Keyring,
    entered_by: str,
    at: datetime,
    correlation_id: str,
    confirm: Callable[[set[uuid.UUID]], Awaitable[set[uuid.UUID]]] | None = None,
) -> tuple[DataPackage, GivenAdvice | None]:
    """Store the figures as the case's manual data and recompute the advice. `confirm` is
    asked about named documents this service has not heard of, and returns those that are the
    case's (their event has not arrived here yet)."""
    known = await cases.documents_of(session, case.case_id)
    missing = referenced_documents(data) - known
    if missing and confirm is not None:
        known |= await confirm(missing)
    _check(data, case, known, at)
    package = store.seal(
        keyring,
        package_id=uuid.uuid4(),
        case_id=case.case_id,
        origin="manual",
        document=_document(data),
        recorded_by=entered_by,
        recorded_at=at,
    )
    await packages.add(session, package)
    await casefile.prepared_by(
        session, case_id=case.case_id, subject=entered_by, how="entered_data", at=at
    )
    event = await add_event(
        session,
        DataDelivered(
            case_id=case.case_id,
            municipality_code=case.municipality_code,
            source="manual",
            recorded_by=entered_by,
            delivered_at=at,
        ),
        correlation_id=correlation_id,
    )
    given = await advice.recompute(
        session,
        case=case,
        keyring=keyring,
        trigger="manual_data",
        requested_by=entered_by,
        at=at,
        correlation_id=correlation_id,
        causation_id=event.event_id,
    )
    return package, given
