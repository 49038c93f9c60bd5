"""Generates `application.submitted` v1 bodies as the website would publish them."""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

FIRST_NAMES = (
    "Jan",
    "Fatima",
    "Mohamed",
    "Sanne",
    "Daan",
    "Emma",
    "Noah",
    "Julia",
    "Ayşe",
    "Mehmet",
    "Sophie",
    "Lucas",
    "Anouk",
    "Thijs",
    "Yasmina",
    "Priya",
    "Joost",
    "Marieke",
    "Kofi",
    "Zoë",
    "Ömer",
    "Chantal",
    "Bram",
    "Lotte",
    "Youssef",
    "Iris",
    "Sem",
    "Nadia",
    "René",
    "Hélène",
)
_PREFIXES = (None, None, None, "de", "van", "van der", "van den", "ten", "el")
_LAST_NAMES = (
    "Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Berg",
    "Dijk",
    "Çelik",
    "Yılmaz",
    "El Amrani",
    "Boukhari",
    "Kaya",
    "Öztürk",
    "Pinas",
    "Sedney",
    "Nguyễn",
    "Hoekstra",
    "Brouwer",
    "Dekker",
    "Leeuwen",
    "Wijk",
    "Groot",
    "Peeters",
    "Müller",
    "Lambrecht",
)
_STREETS = (
    "Dorpsstraat",
    "Kerkstraat",
    "Stationsweg",
    "Molenweg",
    "Schoolstraat",
    "Julianastraat",
    "Beatrixlaan",
    "Nieuwstraat",
    "Prinsengracht",
    "Lindelaan",
    "Parallelweg",
    "Sportlaan",
)
_INSURERS = (
    ("Zilveren Kruis", "Gemeentepolis Uitgebreid"),
    ("CZ", "Gemeentepolis Basis"),
    ("Menzis", "GarantVerzorgd 2"),
    ("VGZ", "Gemeentepakket Plus"),
)


def valid_bsn(rng: random.Random) -> str:
    """A random nine-digit number that passes the eleven-test."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        if digits[0] == 0 and digits[1] == 0:
            continue
        partial = sum(d * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2), strict=True))
        last = partial % 11
        if last <= 9:
            return "".join(map(str, digits)) + str(last)


class ApplicationFactory:
    """Deterministic for a given seed; application numbers are unique per factory."""

    def __init__(self, *, seed: int = 2026, number_offset: int = 0, year: int = 2026) -> None:
        self._rng = random.Random(seed)  # noqa: S311 - demo data, not security
        self._next_number = number_offset
        self._year = year

    def _birth(self, youngest: int, oldest: int) -> date:
        today = date(self._year, 11, 29)
        return today - timedelta(days=self._rng.randint(youngest * 365 + 5, oldest * 365))

    def _adult(self, city: str | None, postal_code: str | None) -> dict[str, Any]:
        rng = self._rng
        first = rng.choice(FIRST_NAMES)
        adult: dict[str, Any] = {
            "bsn": valid_bsn(rng),
            "initials": f"{first[0]}.",
            "first_name": first,
            "prefix": rng.choice(_PREFIXES),
            "last_name": rng.choice(_LAST_NAMES),
            "date_of_birth": self._birth(19, 85).isoformat(),
            "email": f"{first.lower()}.{rng.randint(1, 9999)}@example.nl"
            if rng.random() < 0.7
            else None,
            "phone": f"06{rng.randint(10000000, 99999999)}" if rng.random() < 0.5 else None,
        }
        if city is not None and postal_code is not None:
            adult["address"] = {
                "street": rng.choice(_STREETS),
                "house_number": rng.randint(1, 250),
                "house_number_suffix": rng.choice((None, None, None, "A", "bis", "2")),
                "postal_code": postal_code,
                "city": city,
            }
        return adult

    def application(
        self,
        municipality_code: str,
        *,
        city: str = "Amsterdam",
        submitted_at: datetime | None = None,
    ) -> dict[str, Any]:
        """One body, as a dict (see `body` for the bytes)."""
        rng = self._rng
        self._next_number += 1
        submitted = submitted_at or datetime.now(UTC) - timedelta(
            minutes=rng.randint(1, 60 * 24 * 60)
        )
        postal_code = f"{rng.randint(1000, 9999)} {rng.choice('ABCDEGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}"
        applicant = self._adult(city, postal_code)
        partner = self._adult(None, None) if rng.random() < 0.35 else None
        children = [
            {
                "bsn": valid_bsn(rng),
                "first_name": rng.choice(FIRST_NAMES),
                "date_of_birth": self._birth(0, 17).isoformat(),
            }
            for _ in range(rng.choice((0, 0, 0, 1, 1, 2, 2, 3, 4)))
        ]
        insurer, package = rng.choice(_INSURERS)
        income = round(rng.uniform(900, 2400), 2)
        return {
            "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "event_type": "application.submitted",
            "schema_version": 1,
            "occurred_at": submitted.isoformat(),
            "application": {
                "application_number": f"GV-{self._year}-{self._next_number:07d}",
                "municipality_code": municipality_code,
                "submitted_at": submitted.isoformat(),
                "requested_start_date": date(self._year + 1, 1, 1).isoformat(),
                "insurer": insurer,
                "package": package,
                "applicant": applicant,
                "partner": partner,
                "children": children,
                "declared_monthly_net_income": {
                    "applicant": income,
                    "partner": round(rng.uniform(0, 900), 2) if partner else None,
                },
                "consent_data_retrieval": rng.random() < 0.9,
            },
        }

    def body(self, municipality_code: str, **kwargs: Any) -> bytes:
        return json.dumps(self.application(municipality_code, **kwargs)).encode()
