"""The cases app on a migrated database of its own, with cases written straight into it.

The list, exports and access log read what the workflow and the consumers write; these tests
shape that data exactly (status, advice, assignment, dates, households) by inserting rows.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert, select

from cases.models import Case, CasePerson
from cases.reporting.models import AccessLog
from servicekit.auth import Principal, Role, issue_token
from servicekit.db import Database

TOKEN_SECRET = "reporting-test-internal-token-secret-0123456789"
CURSOR_SECRET = "reporting-test-cursor-secret-0123456789abcdefgh"
BSN_SECRET = "reporting-test-bsn-hash-secret-0123456789abcdefg"

AMSTERDAM = "0363"
ROTTERDAM = "0599"
UTRECHT = "0344"
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

_bsns = itertools.count(100_000_001)


def new_bsn() -> str:
    return str(next(_bsns))


def adult(
    last_name: str,
    *,
    role: str = "applicant",
    initials: str = "J.",
    first_name: str | None = None,
    prefix: str | None = None,
    bsn: str | None = None,
    postal_code: str | None = "1016 GV",
) -> dict[str, Any]:
    return {
        "role": role,
        "bsn": bsn or new_bsn(),
        "initials": initials,
        "first_name": first_name,
        "prefix": prefix,
        "last_name": last_name,
        "date_of_birth": date(1980, 1, 1),
        "postal_code": postal_code,
        "street": "Prinsengracht",
        "house_number": 1,
        "city": "Amsterdam",
    }


def child(first_name: str, *, bsn: str | None = None) -> dict[str, Any]:
    return {
        "role": "child",
        "bsn": bsn or new_bsn(),
        "first_name": first_name,
        "date_of_birth": date(2015, 1, 1),
    }


@dataclass
class Reporting:
    client: httpx.AsyncClient
    database: Database

    @staticmethod
    def headers(
        *municipalities: str,
        role: Role = "behandelaar",
        subject: str = "staff-1",
        organisation: str = "test-org",
        everything: bool = False,
    ) -> dict[str, str]:
        principal = Principal(
            subject=subject,
            organisation=organisation,
            role=role,
            municipalities=municipalities or (AMSTERDAM,),
            all_municipalities=everything,
        )
        return {"X-Internal-Token": issue_token(principal, secret=TOKEN_SECRET)}

    async def get(
        self,
        path: str,
        params: Any = None,
        *,
        municipalities: Sequence[str] = (AMSTERDAM,),
        **who: Any,
    ) -> httpx.Response:
        return await self.client.get(
            path, params=params, headers=self.headers(*municipalities, **who)
        )

    async def items(self, params: Any = None, **who: Any) -> list[dict[str, Any]]:
        response = await self.get("/cases", {"limit": 200, **(params or {})}, **who)
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()["items"]
        return found

    async def numbers(self, params: Any = None, **who: Any) -> list[str]:
        return [item["application_number"] for item in await self.items(params, **who)]

    async def add_case(
        self,
        number: str,
        *,
        municipality: str = AMSTERDAM,
        household: Sequence[dict[str, Any]] | None = None,
        submitted_at: datetime = MONDAY,
        status_changed_at: datetime | None = None,
        **columns: Any,
    ) -> uuid.UUID:
        """A case with its household; `columns` set kind, status, advice, campaign, ..."""
        persons = list(household or [adult("Vries", prefix="de", first_name="Jan")])
        case_id = uuid.uuid4()
        values = {
            "id": case_id,
            "kind": "application",
            "application_number": number,
            "application_id": uuid.uuid4(),
            "municipality_code": municipality,
            "status": "received",
            "submitted_at": submitted_at,
            "status_changed_at": status_changed_at or submitted_at,
            "adults": sum(1 for p in persons if p["role"] != "child"),
            "persons": len(persons),
            "revision": 1,
            "corrected": False,
            **columns,
        }
        async with self.database.transaction() as session:
            await session.execute(insert(Case), [values])
            await session.execute(
                insert(CasePerson),
                [{**p, "case_id": case_id, "position": n} for n, p in enumerate(persons)],
            )
        return case_id

    async def access_log(self) -> list[AccessLog]:
        async with self.database.transaction() as session:
            rows = await session.scalars(select(AccessLog).order_by(AccessLog.id))
            return list(rows.all())


def days(n: int) -> timedelta:
    return timedelta(days=n)
