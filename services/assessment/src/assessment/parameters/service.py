"""Parameter versions: the default every municipality starts with, which version applies on a
date, and adding a version (validated field by field, periods without overlap or gap).

Takes a session, never commits.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.parameters import repository, rules
from assessment.parameters.models import ParameterVersion
from assessment.parameters.rules import FieldProblem
from assessment.parameters.values import ParameterSet, default_parameters

SYSTEM = "system"


class ParameterProblemsError(Exception):
    """The new version is refused; every problem names its field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


def as_set(version: ParameterVersion) -> ParameterSet:
    return rules.from_json(
        version.values,
        version_id=version.id,
        municipality_code=version.municipality_code,
        valid_from=version.valid_from,
        valid_until=version.valid_until,
    )


async def ensure_default(session: AsyncSession, code: str, *, at: datetime) -> bool:
    """Give a municipality without parameters the default version; True when it was added."""
    if await repository.applicable(session, code, date.max) is not None:
        return False
    values = default_parameters(code)
    document = rules.to_json(values)
    added = await repository.insert_if_none(
        session,
        ParameterVersion(
            id=values.version_id,
            municipality_code=code,
            valid_from=values.valid_from,
            valid_until=None,
            values=document,
            note="Standaardversie: 120% van de bijstandsnorm inclusief vakantiegeld, "
            "vermogenstoets aan, vooraf toetsen, vier ogen uit",
            created_by=SYSTEM,
            created_at=at,
        ),
    )
    if added:
        await repository.audit(
            session,
            code=code,
            version_id=values.version_id,
            action="seeded",
            actor=SYSTEM,
            at=at,
            changes=rules.changes(None, document),
        )
    return added


async def applicable(session: AsyncSession, code: str, on: date, *, at: datetime) -> ParameterSet:
    """The version that applies on `on` (the municipality gets the default when it has none)."""
    version = await repository.applicable(session, code, on)
    if version is None:
        await ensure_default(session, code, at=at)
        version = await repository.applicable(session, code, on)
    if version is None:  # pragma: no cover - ensure_default just wrote one
        raise RuntimeError(f"no parameters for {code}")
    return as_set(version)


def _period_problems(existing: list[ParameterVersion], valid_from: date) -> list[FieldProblem]:
    if not existing:
        return []
    last = existing[-1]
    if valid_from <= last.valid_from:
        return [
            FieldProblem(
                "valid_from",
                f"overlapt met de versie die geldt vanaf {last.valid_from.isoformat()}: een "
                "nieuwe versie begint na het begin van de laatste",
            )
        ]
    if last.valid_until is not None and last.valid_until >= valid_from:
        return [
            FieldProblem(
                "valid_from",
                f"overlapt met de versie die geldt tot en met {last.valid_until.isoformat()}",
            )
        ]
    if last.valid_until is not None and last.valid_until < valid_from - timedelta(days=1):
        return [
            FieldProblem(
                "valid_from",
                f"sluit niet aan: de vorige versie geldt tot en met {last.valid_until.isoformat()}",
            )
        ]
    return []


async def add_version(
    session: AsyncSession,
    *,
    code: str,
    valid_from: date,
    valid_until: date | None,
    values: dict[str, Any],
    note: str | None,
    actor: str,
    at: datetime,
) -> ParameterVersion:
    """Add a version from `valid_from`; fields not given are taken from the version before it.
    The open-ended version before it ends the day before."""
    await ensure_default(session, code, at=at)
    existing = await repository.lock_versions(session, code)
    before = next((v for v in reversed(existing) if v.valid_from <= valid_from), existing[0])
    document = {**before.values, **values}
    try:
        proposed = rules.from_json(
            document,
            version_id=uuid.uuid4(),
            municipality_code=code,
            valid_from=valid_from,
            valid_until=valid_until,
        )
    except (KeyError, ValueError, ArithmeticError) as error:
        raise ParameterProblemsError([FieldProblem("values", f"onleesbaar ({error})")]) from None
    problems = _period_problems(existing, valid_from) + rules.check(proposed)
    if problems:
        raise ParameterProblemsError(problems)
    normalised = rules.to_json(proposed)
    version = ParameterVersion(
        id=proposed.version_id,
        municipality_code=code,
        valid_from=valid_from,
        valid_until=valid_until,
        values=normalised,
        note=note,
        created_by=actor,
        created_at=at,
    )
    last = existing[-1]
    if last.valid_until is None:
        await repository.close(session, last.id, valid_from - timedelta(days=1))
        await repository.audit(
            session,
            code=code,
            version_id=last.id,
            action="closed",
            actor=actor,
            at=at,
            changes={
                "valid_until": {"from": None, "to": (valid_from - timedelta(days=1)).isoformat()}
            },
        )
    await repository.add(session, version)
    await repository.audit(
        session,
        code=code,
        version_id=version.id,
        action="created",
        actor=actor,
        at=at,
        changes={
            "valid_from": {"from": None, "to": valid_from.isoformat()},
            **rules.changes(before.values, normalised),
        },
    )
    return version


def replace(values: ParameterSet, **changes: Any) -> ParameterSet:
    """A copy with some values changed (tests and the seed)."""
    return dataclasses.replace(values, **changes)
