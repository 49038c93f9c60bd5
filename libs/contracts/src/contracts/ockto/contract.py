"""The JSON schema, a typed model and the signature of Ockto's delivery callback.

The model mirrors `ockto-delivery.v1.schema.json` (fixed by the outside party); a body is
checked against the schema first, so the model only gives it types. Amounts are Decimals:
money is never a float here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

SIGNATURE_HEADER = "X-Ockto-Signature"
SIGNATURE_TOLERANCE_SECONDS = 300
"""A signature's `t` may be at most 5 minutes off the receiver's clock."""

_PACKAGE = resources.files(__package__)
SCHEMA: dict[str, Any] = json.loads(
    (_PACKAGE / "ockto-delivery.v1.schema.json").read_text(encoding="utf-8")
)

Role = Literal["applicant", "partner"]
Source = Literal["belastingdienst", "uwv", "mijnoverheid", "duo", "pensioenfonds", "bank"]
IncomeKind = Literal[
    "wages",
    "benefit_uwv",
    "social_assistance",
    "aow",
    "pension",
    "self_employed",
    "alimony",
    "student_finance",
    "general_tax_credit",
    "allowance",
    "other",
]
AllowanceKind = Literal[
    "zorgtoeslag", "huurtoeslag", "kindgebonden_budget", "kinderopvangtoeslag", "kinderbijslag"
]
Frequency = Literal["monthly", "four_weekly", "weekly", "yearly", "once"]
AssetKind = Literal[
    "current_account",
    "savings",
    "investments",
    "real_estate",
    "mortgage",
    "vehicle",
    "debt",
    "other",
]
CivilStatus = Literal[
    "single", "married", "registered_partnership", "cohabiting", "divorced", "widowed"
]
DocumentKind = Literal[
    "income_statement", "tax_assessment", "uwv_policy_record", "bank_statement", "other"
]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Consent(_Strict):
    given_at: AwareDatetime
    purpose: str


class DeliveredPerson(_Strict):
    role: Role
    bsn: str
    date_of_birth: date
    civil_status: CivilStatus | None = None
    sources: tuple[Source, ...]


class Income(_Strict):
    person: Role
    kind: IncomeKind
    allowance_kind: AllowanceKind | None = None
    source: Source
    payer: str
    period_start: date
    period_end: date
    frequency: Frequency
    gross_amount: Decimal | None = None
    net_amount: Decimal
    holiday_allowance_included: bool


class Asset(_Strict):
    person: Literal["applicant", "partner", "joint"]
    kind: AssetKind
    source: Literal["belastingdienst", "bank", "mijnoverheid"]
    institution: str
    reference_date: date
    balance: Decimal


class SourceDocument(_Strict):
    kind: DocumentKind
    url: str
    expires_at: AwareDatetime
    sha256: str


class OcktoDelivery(_Strict):
    """A delivery body that already passed the JSON schema, in typed form."""

    delivery_id: uuid.UUID
    schema_version: Literal[1]
    session_id: str
    delivered_at: AwareDatetime
    consent: Consent
    persons: tuple[DeliveredPerson, ...]
    incomes: tuple[Income, ...]
    assets: tuple[Asset, ...]
    documents: tuple[SourceDocument, ...] = ()
    partner_detected: bool | None = None


def sign(body: bytes, *, secret: str, timestamp: int) -> str:
    """The `X-Ockto-Signature` value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def example_bodies() -> dict[str, bytes]:
    """The contract's example deliveries, by file stem (for tests and demo data)."""
    folder = _PACKAGE / "examples"
    return {
        entry.name.removesuffix(".json"): entry.read_bytes()
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    }
