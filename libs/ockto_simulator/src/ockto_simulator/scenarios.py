"""The resident's situations the simulator can deliver, as realistic Ockto packages.

Amounts and sources look like what the tax office, UWV, MijnOverheid, the pension fund and
the bank give; periods are the three whole months before the month of the application.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

SCENARIOS: dict[str, str] = {
    "wages_under_limit": "Ik werk in loondienst en verdien minder dan de grens",
    "uwv_benefit": "Ik heb een uitkering van het UWV",
    "aow_couple_pension": "Wij hebben AOW en een klein pensioen",
    "self_employed": "Ik werk als zelfstandige (zzp)",
    "savings_above_limit": "Ik heb spaargeld boven de grens",
    "income_at_limit": "Mijn inkomen is precies gelijk aan de grens",
    "partner_not_on_case": "Er woont een partner bij mij die niet op de aanvraag staat",
    "source_missing": "Ik kon niet bij al mijn gegevens (een bron ontbreekt)",
}
"""Scenario key → what the resident picks on the page (Dutch, plain language)."""

_NORM = {"single": Decimal("1401.50"), "couple": Decimal("2002.13")}
_NORM_PENSION = {"single": Decimal("1564.69"), "couple": Decimal("2144.16")}
PENSION_AGE = 67
_ALL_SOURCES = ["belastingdienst", "uwv", "mijnoverheid", "bank"]
_PENSION_SOURCES = ["belastingdienst", "mijnoverheid", "pensioenfonds", "bank"]


@dataclass(frozen=True)
class Person:
    role: str
    bsn: str
    date_of_birth: date


@dataclass(frozen=True)
class SourceFile:
    """A source document the delivery links to; served once from its token."""

    token: str
    content: bytes
    expires_at: datetime


def months_before(reference: date, count: int = 3) -> list[tuple[date, date]]:
    months = []
    year, month = reference.year, reference.month
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        first = date(year, month, 1)
        following = date(year + (month == 12), month % 12 + 1, 1)
        months.append((first, following - timedelta(days=1)))
    return list(reversed(months))


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def limit_for(persons: list[Person], reference: date) -> Decimal:
    """The default limit (120% of the 2026 norm, holiday pay included) for this household."""
    kind = "couple" if len(persons) > 1 else "single"
    pension = all(_age(p.date_of_birth, reference) >= PENSION_AGE for p in persons)
    norm = (_NORM_PENSION if pension else _NORM)[kind]
    return (norm * Decimal("1.2")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _income(
    person: str,
    kind: str,
    source: str,
    payer: str,
    period: tuple[date, date],
    net: Decimal,
    *,
    holiday: bool = False,
    allowance: str | None = None,
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "person": person,
        "kind": kind,
        "source": source,
        "payer": payer,
        "period_start": period[0].isoformat(),
        "period_end": period[1].isoformat(),
        "frequency": "monthly",
        "gross_amount": None
        if allowance
        else float((net * Decimal("1.21")).quantize(Decimal("0.01"))),
        "net_amount": float(net),
        "holiday_allowance_included": holiday,
    }
    if allowance:
        item["allowance_kind"] = allowance
    return item


def _asset(
    person: str, kind: str, institution: str, on: date, balance: Decimal, source: str = "bank"
) -> dict[str, Any]:
    return {
        "person": person,
        "kind": kind,
        "source": source,
        "institution": institution,
        "reference_date": on.isoformat(),
        "balance": float(balance),
    }


def build(  # noqa: PLR0912, PLR0915 - one situation per branch, read top to bottom
    scenario: str,
    *,
    session_id: str,
    persons: list[Person],
    reference_date: date,
    purpose: str,
    now: datetime | None = None,
    document_url: str | None = None,
) -> tuple[dict[str, Any], SourceFile | None]:
    """The delivery body for a scenario, and the source document it links to (if any)."""
    if scenario not in SCENARIOS:
        raise KeyError(scenario)
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    periods = months_before(reference_date)
    on = min(reference_date, moment.date())
    applicant = next(p for p in persons if p.role == "applicant")
    partner = next((p for p in persons if p.role == "partner"), None)
    delivered = [applicant] + ([partner] if partner else [])
    incomes: list[dict[str, Any]] = []
    assets: list[dict[str, Any]] = [
        _asset("applicant", "current_account", "ING Bank N.V.", on, Decimal("412.55"))
    ]
    sources = {"applicant": list(_ALL_SOURCES), "partner": list(_ALL_SOURCES)}
    partner_detected = partner is not None
    if scenario == "aow_couple_pension":
        sources = {"applicant": list(_PENSION_SOURCES), "partner": list(_PENSION_SOURCES)}
        for period in periods:
            for who in [p.role for p in delivered]:
                incomes.append(
                    _income(
                        who,
                        "aow",
                        "mijnoverheid",
                        "Sociale Verzekeringsbank",
                        period,
                        Decimal("1018.62"),
                    )
                )
            incomes.append(
                _income(
                    "applicant",
                    "pension",
                    "pensioenfonds",
                    "Pensioenfonds Zorg en Welzijn",
                    period,
                    Decimal("168.30"),
                )
            )
        assets = [
            _asset("joint", "savings", "Rabobank", on, Decimal("9400.00")),
            _asset("joint", "current_account", "Rabobank", on, Decimal("1890.12")),
        ]
    elif scenario == "uwv_benefit":
        for period in periods:
            incomes.append(
                _income(
                    "applicant",
                    "benefit_uwv",
                    "uwv",
                    "UWV (WW-uitkering)",
                    period,
                    Decimal("1105.40"),
                )
            )
    elif scenario == "self_employed":
        for period in periods:
            incomes.append(
                _income(
                    "applicant",
                    "self_employed",
                    "belastingdienst",
                    "Eigen onderneming",
                    period,
                    Decimal("1350.00"),
                )
            )
    elif scenario == "income_at_limit":
        limit = limit_for(delivered, reference_date)
        for period in periods:
            incomes.append(
                _income(
                    "applicant",
                    "wages",
                    "uwv",
                    "Thuiszorg Midden B.V.",
                    period,
                    limit,
                    holiday=True,
                )
            )
    elif scenario != "savings_above_limit":
        for period, net in zip(
            periods, (Decimal("1248.17"), Decimal("1248.17"), Decimal("1259.66")), strict=True
        ):
            incomes.append(
                _income("applicant", "wages", "uwv", "Schoonmaakbedrijf De Maas B.V.", period, net)
            )
    if partner is not None and scenario not in {"aow_couple_pension"}:
        for period in periods:
            incomes.append(
                _income("partner", "wages", "uwv", "Supermarkt Van Dam", period, Decimal("612.30"))
            )
    if scenario in {
        "wages_under_limit",
        "uwv_benefit",
        "self_employed",
        "income_at_limit",
        "source_missing",
        "partner_not_on_case",
    }:
        incomes.append(
            _income(
                "applicant",
                "allowance",
                "belastingdienst",
                "Dienst Toeslagen",
                periods[-1],
                Decimal("131.00"),
                allowance="zorgtoeslag",
            )
        )
    if scenario == "savings_above_limit":
        assets.append(_asset("applicant", "savings", "ASN Bank", on, Decimal("25400.00")))
        for period in periods:
            incomes.append(
                _income(
                    "applicant", "wages", "uwv", "Gemeentewerken B.V.", period, Decimal("1190.00")
                )
            )
    else:
        assets.append(_asset("applicant", "savings", "ING Bank N.V.", on, Decimal("2150.00")))
    if scenario == "partner_not_on_case" and partner is None:
        partner_detected = True
    if scenario == "source_missing":
        sources["applicant"] = ["belastingdienst", "uwv"]
        assets = []
        incomes = [i for i in incomes if i["source"] in sources["applicant"]]
    document: SourceFile | None = None
    documents: list[dict[str, Any]] = []
    if document_url is not None and scenario == "wages_under_limit":
        content = _income_statement(session_id, periods)
        token = uuid.uuid4().hex
        expires = moment + timedelta(minutes=10)
        document = SourceFile(token, content, expires)
        documents.append(
            {
                "kind": "income_statement",
                "url": f"{document_url}/{token}",
                "expires_at": expires.isoformat(),
                "sha256": hashlib.sha256(content).hexdigest(),
            }
        )
    body = {
        "delivery_id": str(uuid.uuid4()),
        "schema_version": 1,
        "session_id": session_id,
        "delivered_at": moment.isoformat(),
        "consent": {
            "given_at": (moment - timedelta(seconds=20)).isoformat(),
            "purpose": purpose[:200],
        },
        "persons": [
            {
                "role": p.role,
                "bsn": p.bsn,
                "date_of_birth": p.date_of_birth.isoformat(),
                "civil_status": "married" if partner else "single",
                "sources": sources[p.role],
            }
            for p in delivered
        ],
        "incomes": incomes,
        "assets": assets,
        "documents": documents,
        "partner_detected": partner_detected,
    }
    return body, document


def _income_statement(session_id: str, periods: list[tuple[date, date]]) -> bytes:
    """A small, valid PDF standing in for the tax office's income statement."""
    text = f"Inkomensverklaring (simulator) sessie {session_id} {periods[0][0]} - {periods[-1][1]}"
    return one_page_pdf(text)


def one_page_pdf(text: str, *, font_size: int = 11) -> bytes:
    """A valid one-page A4 PDF with a line of text (ASCII): a stand-in for a scanned document."""
    stream = f"BT /F1 {font_size} Tf 50 780 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
