"""A parameter version as the rules read it (pure, no database), and the 2026 seed figures.

Norms are the *bijstandsnorm* per month at 100%, including holiday pay (DOMAIN.md); without
holiday pay a norm is 95% of it. Every figure is editable per municipality and period.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Literal, get_args

from contracts.ockto import IncomeKind, Source

HouseholdType = Literal["single", "single_parent", "couple"]
AgeBand = Literal["working_age", "pension_age"]
CheckMoment = Literal["vooraf", "achteraf"]
LimitMethod = Literal["percentage", "fixed"]

HOUSEHOLD_TYPES: Final[tuple[HouseholdType, ...]] = ("single", "single_parent", "couple")
NORM_KEYS: Final = (
    "single_working_age",
    "couple_working_age",
    "single_pension_age",
    "couple_pension_age",
)
"""A single parent has the single norm (Participatiewet)."""
INCOME_KINDS: Final = get_args(IncomeKind)
SOURCES: Final = get_args(Source)
HOLIDAY_ALLOWANCE_KINDS: Final = frozenset(
    {"wages", "benefit_uwv", "social_assistance", "aow", "pension"}
)
"""Incomes on which holiday pay (vakantiegeld) is paid, so that the parameters can add or
remove its share."""

NORMS_2026: Final[Mapping[str, Decimal]] = MappingProxyType(
    {
        "single_working_age": Decimal("1401.50"),
        "couple_working_age": Decimal("2002.13"),
        "single_pension_age": Decimal("1564.69"),
        "couple_pension_age": Decimal("2144.16"),
    }
)
ASSET_LIMITS_2026: Final[Mapping[str, Decimal]] = MappingProxyType(
    {
        "single": Decimal("8000.00"),
        "single_parent": Decimal("16000.00"),
        "couple": Decimal("16000.00"),
    }
)
COUNTED_BY_DEFAULT: Final = frozenset(
    {
        "wages",
        "benefit_uwv",
        "social_assistance",
        "aow",
        "pension",
        "self_employed",
        "alimony",
        "student_finance",
        "general_tax_credit",
        "other",
    }
)
"""Counted: wages, benefits, AOW, pension, alimony, student finance, the general tax credit
paid out (DOMAIN.md). Never counted: allowances (toeslagen, kindgebonden budget,
kinderbijslag). `other` counts, so that no income is left out unseen."""
DEFAULT_VALID_FROM: Final = date(2026, 1, 1)


@dataclass(frozen=True)
class ParameterSet:
    """One version of a municipality's eligibility parameters."""

    version_id: uuid.UUID
    municipality_code: str
    valid_from: date
    valid_until: date | None = None
    income_limit_method: LimitMethod = "percentage"
    income_percentage: Decimal = Decimal(120)
    norms: Mapping[str, Decimal] = field(default_factory=lambda: dict(NORMS_2026))
    fixed_limits: Mapping[str, Decimal] = field(default_factory=dict)
    holiday_pay_included: bool = True
    holiday_allowance_rate: Decimal = Decimal(8)
    counted_income_kinds: frozenset[str] = COUNTED_BY_DEFAULT
    reference_months: int = 3
    asset_test: bool = True
    asset_limits: Mapping[str, Decimal] = field(default_factory=lambda: dict(ASSET_LIMITS_2026))
    margin_percent: Decimal = Decimal(0)
    check_moment: CheckMoment = "vooraf"
    four_eyes: bool = False
    pension_age_years: int = 67
    session_term_days: int = 30
    required_sources: frozenset[str] = frozenset({"belastingdienst", "mijnoverheid", "bank"})


def default_parameters(code: str, *, version_id: uuid.UUID | None = None) -> ParameterSet:
    """The version every municipality starts with: 120% of the norm including holiday pay,
    asset test on, check *vooraf*, four eyes off."""
    return ParameterSet(
        version_id=version_id or uuid.uuid4(), municipality_code=code, valid_from=DEFAULT_VALID_FROM
    )
