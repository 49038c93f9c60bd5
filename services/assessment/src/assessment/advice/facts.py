"""What the advice is computed from and what it gives: plain, frozen values (no database).

Results are named tuples: the advice runs over every package of a campaign, and a tuple is
built several times faster than a frozen dataclass.

A `DataSet` is one source's view of the household: an Ockto package, or the figures staff
entered by hand. The rules combine them per person.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal, NamedTuple

from assessment.parameters.values import AgeBand, HouseholdType

Origin = Literal["ockto", "manual"]
Person = Literal["applicant", "partner"]
Advice = Literal["grant", "investigate", "reject"]


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    """The case's household as far as the rules need it."""

    applicant_born: date
    partner_born: date | None
    children: int
    reference_date: date
    """The date the income period is counted back from (the application's date)."""


@dataclass(frozen=True, slots=True)
class IncomeItem:
    person: Person
    kind: str
    source: str
    payer: str
    period_start: date
    period_end: date
    frequency: str
    net_amount: Decimal
    holiday_allowance_included: bool
    allowance_kind: str | None = None


@dataclass(frozen=True, slots=True)
class AssetItem:
    person: str
    kind: str
    source: str
    institution: str
    reference_date: date
    balance: Decimal


@dataclass(frozen=True, slots=True)
class DataSet:
    origin: Origin
    persons: tuple[Person, ...]
    """The adults this data set covers."""
    incomes: tuple[IncomeItem, ...] = ()
    assets: tuple[AssetItem, ...] = ()
    sources: tuple[tuple[Person, frozenset[str]], ...] = ()
    """Per person, the sources the resident logged in to (Ockto only; manual data have none)."""
    partner_detected: bool | None = None


class CountedIncome(NamedTuple):
    person: Person
    kind: str
    payer: str
    source: str
    origin: Origin
    monthly: Decimal
    counted: bool
    entries: int


class PersonIncome(NamedTuple):
    person: Person
    origin: Origin | None
    monthly: Decimal
    items: tuple[CountedIncome, ...]


class AdviceResult(NamedTuple):
    advice: Advice
    reasons: tuple[str, ...]
    household_type: HouseholdType
    age_band: AgeBand
    period_start: date
    period_end: date
    incomes: tuple[PersonIncome, ...]
    income_total: Decimal
    income_limit: Decimal
    limit_derivation: str
    norm: Decimal | None
    assets_total: Decimal
    asset_limit: Decimal | None
    asset_test: bool
    margin_percent: Decimal
    explanation: tuple[str, ...]
    parameter_version_id: uuid.UUID
