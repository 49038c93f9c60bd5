"""Field-by-field checks of parameter values, and their JSON form (pure).

Each problem names the field and says in Dutch what is allowed, so the parameters screen can
put it next to the field.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from assessment.parameters.values import (
    HOUSEHOLD_TYPES,
    NORM_KEYS,
    ParameterSet,
)

MIN_PERCENTAGE = Decimal(10)
MAX_PERCENTAGE = Decimal(300)
MAX_AMOUNT = Decimal(100_000)
MAX_MARGIN = Decimal(25)
MAX_HOLIDAY_RATE = Decimal(20)


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


def _amount(problems: list[FieldProblem], field: str, value: Decimal) -> None:
    if value < 0:
        problems.append(FieldProblem(field, "mag niet negatief zijn"))
    elif value > MAX_AMOUNT:
        problems.append(FieldProblem(field, f"mag niet hoger zijn dan {MAX_AMOUNT} euro"))
    elif value != value.quantize(Decimal("0.01")):
        problems.append(FieldProblem(field, "geef een bedrag in hele centen"))


def check(values: ParameterSet) -> list[FieldProblem]:  # noqa: PLR0912 - a branch per rule
    """Every problem of these values (the period is checked against other versions apart)."""
    problems: list[FieldProblem] = []
    if not MIN_PERCENTAGE <= values.income_percentage <= MAX_PERCENTAGE:
        problems.append(
            FieldProblem(
                "income_percentage",
                f"moet tussen {MIN_PERCENTAGE} en {MAX_PERCENTAGE} procent liggen",
            )
        )
    for key in NORM_KEYS:
        _amount(problems, f"norms.{key}", values.norms[key])
    for band in ("working_age", "pension_age"):
        couple = values.norms[f"couple_{band}"]
        if couple < values.norms[f"single_{band}"]:
            problems.append(
                FieldProblem(
                    f"norms.couple_{band}", "mag niet lager zijn dan de norm voor een alleenstaande"
                )
            )
    if values.income_limit_method == "fixed":
        if set(values.fixed_limits) != set(HOUSEHOLD_TYPES):
            problems.append(
                FieldProblem("fixed_limits", "geef een vast bedrag voor elk huishoudtype")
            )
        else:
            for kind in HOUSEHOLD_TYPES:
                _amount(problems, f"fixed_limits.{kind}", values.fixed_limits[kind])
            if values.fixed_limits["couple"] < values.fixed_limits["single"]:
                problems.append(
                    FieldProblem(
                        "fixed_limits.couple",
                        "mag niet lager zijn dan het bedrag voor een alleenstaande",
                    )
                )
    for kind in HOUSEHOLD_TYPES:
        _amount(problems, f"asset_limits.{kind}", values.asset_limits[kind])
    if values.asset_limits["couple"] < values.asset_limits["single"]:
        problems.append(
            FieldProblem(
                "asset_limits.couple", "mag niet lager zijn dan de grens voor een alleenstaande"
            )
        )
    if not 0 <= values.margin_percent <= MAX_MARGIN:
        problems.append(
            FieldProblem("margin_percent", f"moet tussen 0 en {MAX_MARGIN} procent liggen")
        )
    if not 0 <= values.holiday_allowance_rate <= MAX_HOLIDAY_RATE:
        problems.append(
            FieldProblem(
                "holiday_allowance_rate", f"moet tussen 0 en {MAX_HOLIDAY_RATE} procent liggen"
            )
        )
    if not 1 <= values.reference_months <= 12:
        problems.append(FieldProblem("reference_months", "moet tussen 1 en 12 maanden liggen"))
    if not 60 <= values.pension_age_years <= 75:
        problems.append(FieldProblem("pension_age_years", "moet tussen 60 en 75 jaar liggen"))
    if not 1 <= values.session_term_days <= 180:
        problems.append(FieldProblem("session_term_days", "moet tussen 1 en 180 dagen liggen"))
    if "allowance" in values.counted_income_kinds:
        problems.append(
            FieldProblem(
                "counted_income_kinds", "toeslagen (allowance) tellen nooit mee als inkomen"
            )
        )
    if values.valid_until is not None and values.valid_until < values.valid_from:
        problems.append(FieldProblem("valid_until", "ligt vóór valid_from"))
    return problems


_AMOUNT_MAPS = ("norms", "fixed_limits", "asset_limits")
_DECIMALS = ("income_percentage", "holiday_allowance_rate", "margin_percent")
_SETS = ("counted_income_kinds", "required_sources")
_PLAIN = (
    "income_limit_method",
    "holiday_pay_included",
    "reference_months",
    "asset_test",
    "check_moment",
    "four_eyes",
    "pension_age_years",
    "session_term_days",
)
VALUE_FIELDS = (*_PLAIN, *_DECIMALS, *_AMOUNT_MAPS, *_SETS)
"""The fields of a version besides its period: what the JSON column holds."""


def to_json(values: ParameterSet) -> dict[str, Any]:
    document: dict[str, Any] = {name: getattr(values, name) for name in _PLAIN}
    document.update({name: str(getattr(values, name)) for name in _DECIMALS})
    document.update(
        {name: {k: str(v) for k, v in getattr(values, name).items()} for name in _AMOUNT_MAPS}
    )
    document.update({name: sorted(getattr(values, name)) for name in _SETS})
    return document


def from_json(
    document: dict[str, Any],
    *,
    version_id: uuid.UUID,
    municipality_code: str,
    valid_from: date,
    valid_until: date | None,
) -> ParameterSet:
    values: dict[str, Any] = {name: document[name] for name in _PLAIN}
    values.update({name: Decimal(document[name]) for name in _DECIMALS})
    values.update(
        {name: {k: Decimal(v) for k, v in document[name].items()} for name in _AMOUNT_MAPS}
    )
    values.update({name: frozenset(document[name]) for name in _SETS})
    return ParameterSet(
        version_id=version_id,
        municipality_code=municipality_code,
        valid_from=valid_from,
        valid_until=valid_until,
        **values,
    )


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """What differs between two JSON forms: `{field: {"from": ..., "to": ...}}`."""
    if before is None:
        return {name: {"from": None, "to": value} for name, value in after.items()}
    return {
        name: {"from": before.get(name), "to": value}
        for name, value in after.items()
        if before.get(name) != value
    }
