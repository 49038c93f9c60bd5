"""Giving the advice: gather the case's data, apply the pure rules under the version that
applies on the application's date, store it and publish it.

Takes a session, never commits. Recomputed when data arrive or are entered, when the household
changes, or when staff ask; a decided case keeps the advice it was decided on.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.advice import repository, rules
from assessment.advice.facts import AdviceResult, DataSet, Origin
from assessment.advice.models import GivenAdvice
from assessment.casefile import service as casefile
from assessment.casefile.models import KnownCase
from assessment.crypto import Keyring
from assessment.decisions import repository as decisions
from assessment.ockto import repository as ockto_repository
from assessment.ockto import store
from assessment.parameters import service as parameters
from contracts.assessment import AdviceGiven
from contracts.licences import Feature
from servicekit.outbox import add_event
from servicekit.tenants import get_tenant


async def current_data(
    session: AsyncSession, keyring: Keyring, case_id: uuid.UUID
) -> tuple[list[tuple[uuid.UUID, DataSet]], list[tuple[Any, dict[str, Any]]]]:
    """The newest package per origin as data sets, and every package opened (newest first)."""
    opened = [
        (p, store.open_package(keyring, p))
        for p in await ockto_repository.packages_of(session, case_id)
    ]
    newest: dict[str, tuple[uuid.UUID, DataSet]] = {}
    for package, document in opened:
        if package.origin not in newest:
            origin: Origin = "ockto" if package.origin == "ockto" else "manual"
            newest[package.origin] = (package.id, store.data_set(origin, document))
    ordered = [newest[o] for o in ("ockto", "manual") if o in newest]
    return ordered, opened


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def figures(result: AdviceResult) -> dict[str, Any]:
    """The advice's figures as stored and shown (amounts as strings with two decimals)."""
    return {
        "household_type": result.household_type,
        "age_band": result.age_band,
        "period": {"first": result.period_start.isoformat(), "last": result.period_end.isoformat()},
        "income": {
            "per_person": [
                {
                    "person": p.person,
                    "origin": p.origin,
                    "monthly": _money(p.monthly),
                    "items": [
                        {
                            "kind": i.kind,
                            "payer": i.payer,
                            "source": i.source,
                            "origin": i.origin,
                            "monthly": _money(i.monthly),
                            "counted": i.counted,
                            "entries": i.entries,
                        }
                        for i in p.items
                    ],
                }
                for p in result.incomes
            ],
            "total": _money(result.income_total),
            "limit": _money(result.income_limit),
            "norm": _money(result.norm),
            "limit_derivation": result.limit_derivation,
        },
        "assets": {
            "total": _money(result.assets_total),
            "limit": _money(result.asset_limit),
            "asset_test": result.asset_test,
        },
        "margin_percent": str(result.margin_percent),
    }


async def recompute(
    session: AsyncSession,
    *,
    case: KnownCase,
    keyring: Keyring,
    trigger: str,
    requested_by: str,
    at: datetime,
    correlation_id: str,
    causation_id: uuid.UUID | None = None,
) -> GivenAdvice | None:
    """A new advice for the case from its current data; None when there is nothing to assess
    (no data, no household, decided, or no Module Rechtmatigheid)."""
    if await decisions.of_case(session, case.case_id) is not None:
        return None
    tenant = await get_tenant(session, case.municipality_code)
    if tenant is not None and not tenant.has(Feature.ADVICE):
        return None
    facts = casefile.facts_of(case)
    data, _ = await current_data(session, keyring, case.case_id)
    if facts is None or not data:
        return None
    version = await parameters.applicable(session, case.municipality_code, case.submitted_on, at=at)
    result = rules.assess(facts, tuple(d for _, d in data), version)
    advice = GivenAdvice(
        id=uuid.uuid4(),
        case_id=case.case_id,
        municipality_code=case.municipality_code,
        advice=result.advice,
        reasons=list(result.reasons),
        parameter_version_id=result.parameter_version_id,
        figures=figures(result),
        explanation=list(result.explanation),
        trigger=trigger,
        requested_by=requested_by,
        package_ids=[str(package_id) for package_id, _ in data],
        given_at=at,
    )
    await repository.add(session, advice)
    await add_event(
        session,
        AdviceGiven(
            advice_id=advice.id,
            case_id=case.case_id,
            municipality_code=case.municipality_code,
            advice=result.advice,
            reasons=result.reasons,
            parameter_version_id=result.parameter_version_id,
            four_eyes=version.four_eyes,
            given_at=at,
        ),
        correlation_id=correlation_id,
        causation_id=causation_id,
    )
    return advice
