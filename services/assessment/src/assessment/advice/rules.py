"""The advice: a pure function of the data and one parameter version.

Income is counted per month over the reference period (the N whole months before the month of
the application), per income stream the average of its entries in that period, converted from
its frequency, with holiday pay added or removed as the parameters say; allowances are left
out. The limit is a percentage of the norm for the household type and age band, or a fixed
amount. Order of the outcome: a figure clearly above its limit rejects (unless the data
conflict or a partner is missing from the case, when more data could change the household);
otherwise any doubt investigates; otherwise grant. So more income or assets can only make the
advice less favourable, and exactly at the limit is within it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import lru_cache

from assessment.advice import wording
from assessment.advice.facts import (
    Advice,
    AdviceResult,
    AssetItem,
    CountedIncome,
    DataSet,
    HouseholdFacts,
    Origin,
    Person,
    PersonIncome,
)
from assessment.money import cents
from assessment.parameters.values import (
    HOLIDAY_ALLOWANCE_KINDS,
    AgeBand,
    HouseholdType,
    ParameterSet,
)

_PER_MONTH = {
    "monthly": Decimal(1),
    "four_weekly": Decimal(13) / Decimal(12),
    "weekly": Decimal(52) / Decimal(12),
    "yearly": Decimal(1) / Decimal(12),
    "once": Decimal(1) / Decimal(12),
}
"""A one-off payment is spread over a year, like a yearly one."""
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)
_WITHOUT_HOLIDAY_PAY = Decimal("0.95")
CONFLICT_TOLERANCE = Decimal("0.05")
"""Two sources whose figures for one person differ by more than 5% conflict."""
NOT_REJECTABLE = frozenset({"conflicting_data", "partner_not_on_case"})
"""Doubts under which even a figure above the limit does not reject: the household or the
figures themselves may be other than they seem."""


def household_type(facts: HouseholdFacts) -> HouseholdType:
    if facts.partner_born is not None:
        return "couple"
    return "single_parent" if facts.children > 0 else "single"


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_band(facts: HouseholdFacts, pension_age_years: int) -> AgeBand:
    """Pension age when every adult has reached it on the reference date."""
    adults = [facts.applicant_born] + ([facts.partner_born] if facts.partner_born else [])
    pension = all(_age(born, facts.reference_date) >= pension_age_years for born in adults)
    return "pension_age" if pension else "working_age"


@lru_cache(maxsize=1024)
def reference_period(reference: date, months: int) -> tuple[date, date]:
    """The `months` whole calendar months before the month of `reference` (first, last day)."""
    end_month = reference.year * 12 + reference.month - 1  # the reference month, exclusive
    start = end_month - months
    first = date(start // 12, start % 12 + 1, 1)
    last = date(end_month // 12, end_month % 12 + 1, 1).toordinal() - 1
    return first, date.fromordinal(last)


def income_limit(
    parameters: ParameterSet, kind: HouseholdType, band: AgeBand
) -> tuple[Decimal, Decimal | None]:
    """The monthly income limit and the norm it derives from (None for a fixed amount)."""
    if parameters.income_limit_method == "fixed":
        return cents(parameters.fixed_limits[kind]), None
    people = "couple" if kind == "couple" else "single"
    norm = parameters.norms[f"{people}_{band}"]
    limit = norm * parameters.income_percentage / _HUNDRED
    if not parameters.holiday_pay_included:
        limit *= _WITHOUT_HOLIDAY_PAY
    return cents(limit), norm


def count_incomes(
    data: DataSet, person: Person, parameters: ParameterSet, period: tuple[date, date]
) -> tuple[PersonIncome, bool]:
    """One person's monthly income from one data set, and whether any of its incomes fell
    outside the period while none fell inside."""
    first, last = period
    factor = 1 + parameters.holiday_allowance_rate / _HUNDRED
    add_holiday_pay = parameters.holiday_pay_included
    streams: dict[tuple[str, str, str, str | None], list[Decimal]] = {}
    outside = False
    # The hot loop of a campaign: monthly amounts and holiday pay inline, not per call.
    for item in data.incomes:
        if item.person != person:
            continue
        if item.period_end < first or item.period_start > last:
            outside = True
            continue
        amount = item.net_amount
        if item.frequency != "monthly":
            amount *= _PER_MONTH[item.frequency]
        if item.kind in HOLIDAY_ALLOWANCE_KINDS:
            if add_holiday_pay:
                if not item.holiday_allowance_included:
                    amount *= factor
            elif item.holiday_allowance_included:
                amount /= factor
        key = (item.kind, item.payer, item.source, item.allowance_kind)
        found = streams.get(key)
        if found is None:
            streams[key] = [amount]
        else:
            found.append(amount)
    items: list[CountedIncome] = []
    total = _ZERO
    counted_kinds = parameters.counted_income_kinds
    origin = data.origin
    for (kind, payer, source, _), amounts in streams.items():
        monthly = cents(amounts[0] if len(amounts) == 1 else sum(amounts, _ZERO) / len(amounts))
        counted = kind != "allowance" and kind in counted_kinds
        if counted:
            total += monthly
        items.append(
            CountedIncome(person, kind, payer, source, origin, monthly, counted, len(amounts))
        )
    return PersonIncome(person, origin, total, tuple(items)), outside and not streams


def _assets(items: Iterable[AssetItem]) -> Decimal:
    return sum((item.balance for item in items), Decimal(0))


def _differ(a: Decimal, b: Decimal) -> bool:
    high = max(abs(a), abs(b))
    return high > 0 and abs(a - b) > high * CONFLICT_TOLERANCE


def _pick(data_sets: tuple[DataSet, ...], person: Person) -> tuple[DataSet | None, DataSet | None]:
    """The Ockto data covering the person, else the manual data; and the other one, if any."""
    ockto: DataSet | None = None
    manual: DataSet | None = None
    for data in data_sets:
        if person in data.persons:
            if data.origin == "ockto" and ockto is None:
                ockto = data
            elif data.origin == "manual" and manual is None:
                manual = data
    return (ockto, manual) if ockto is not None else (manual, None)


@lru_cache(maxsize=256)
def _required(sources: frozenset[str], asset_test: bool) -> frozenset[str]:
    """Without an asset test the bank is not needed."""
    return sources if asset_test else sources - {"bank"}


def _missing_sources(data: DataSet, person: Person, parameters: ParameterSet) -> list[str]:
    if data.origin != "ockto":
        return []
    required = _required(parameters.required_sources, parameters.asset_test)
    for who, logged_in in reversed(data.sources):  # the last word, as a dict of them has
        if who == person:
            return sorted(required - logged_in)
    return sorted(required)


def _count_people(
    kind: HouseholdType,
    data_sets: tuple[DataSet, ...],
    parameters: ParameterSet,
    period: tuple[date, date],
    doubts: dict[str, None],
    notes: list[str],
) -> list[PersonIncome]:
    """Each adult's income from the data that cover them, noting every doubt on the way."""
    adults: tuple[Person, ...] = ("applicant", "partner") if kind == "couple" else ("applicant",)
    incomes: list[PersonIncome] = []
    for person in adults:
        chosen, other = _pick(data_sets, person)
        if chosen is None:
            doubts["data_incomplete"] = None
            notes.append(wording.no_data(person))
            incomes.append(PersonIncome(person, None, Decimal(0), ()))
            continue
        counted, outdated = count_incomes(chosen, person, parameters, period)
        incomes.append(counted)
        if outdated:
            doubts["data_incomplete"] = None
            notes.append(wording.outside_period(person, period))
        missing = _missing_sources(chosen, person, parameters)
        if missing:
            doubts["data_incomplete"] = None
            notes.append(wording.missing_sources(person, missing))
        if other is not None:
            second, _ = count_incomes(other, person, parameters, period)
            if _differ(counted.monthly, second.monthly):
                doubts["conflicting_data"] = None
        if any(item.kind == "self_employed" for item in counted.items):
            doubts["self_employed"] = None
    if kind != "couple" and any(d.partner_detected for d in data_sets):
        doubts["partner_not_on_case"] = None
    return incomes


def _count_assets(
    data_sets: tuple[DataSet, ...], doubts: dict[str, None]
) -> tuple[Decimal, Origin | None]:
    """The assets from the Ockto data (else the manual ones); a second source that differs
    is a conflict."""
    asset_sets = [d for d in data_sets if d.assets]
    if not asset_sets:
        return Decimal(0), None
    preferred = next((d for d in asset_sets if d.origin == "ockto"), asset_sets[0])
    assets = cents(_assets(preferred.assets))
    for other_set in asset_sets:
        if other_set is not preferred and _differ(assets, _assets(other_set.assets)):
            doubts["conflicting_data"] = None
    return assets, preferred.origin


def assess(
    facts: HouseholdFacts, data_sets: tuple[DataSet, ...], parameters: ParameterSet
) -> AdviceResult:
    """The advice for a household from its data, under one parameter version."""
    kind = household_type(facts)
    band = age_band(facts, parameters.pension_age_years)
    period = reference_period(facts.reference_date, parameters.reference_months)
    limit, norm = income_limit(parameters, kind, band)
    doubts: dict[str, None] = {}
    notes: list[str] = []
    incomes = _count_people(kind, data_sets, parameters, period, doubts, notes)
    total = sum((i.monthly for i in incomes), Decimal(0))
    assets, asset_origin = _count_assets(data_sets, doubts)
    asset_limit = cents(parameters.asset_limits[kind]) if parameters.asset_test else None
    margin = 1 + parameters.margin_percent / _HUNDRED
    rejections: list[str] = []
    if total > limit * margin:
        rejections.append("income_above_limit")
    elif total > limit:
        doubts["within_margin"] = None
    if asset_limit is not None:
        if assets > asset_limit * margin:
            rejections.append("assets_above_limit")
        elif assets > asset_limit:
            doubts["within_margin"] = None
    advice: Advice
    if rejections and not NOT_REJECTABLE.intersection(doubts):
        advice, reasons = "reject", tuple(rejections)
    elif doubts or rejections:
        advice, reasons = "investigate", (*doubts, *rejections)
    else:
        advice, reasons = "grant", ()
    derivation = wording.derivation(parameters, kind, band, norm)
    explanation = wording.explain(
        advice=advice,
        reasons=reasons,
        notes=notes,
        kind=kind,
        band=band,
        total=total,
        limit=limit,
        parameters=parameters,
        assets=assets if asset_origin is not None else None,
        asset_limit=asset_limit,
    )
    return AdviceResult(
        advice=advice,
        reasons=reasons,
        household_type=kind,
        age_band=band,
        period_start=period[0],
        period_end=period[1],
        incomes=tuple(incomes),
        income_total=total,
        income_limit=limit,
        limit_derivation=derivation,
        norm=norm,
        assets_total=assets,
        asset_limit=asset_limit,
        asset_test=parameters.asset_test,
        margin_percent=parameters.margin_percent,
        explanation=explanation,
        parameter_version_id=parameters.version_id,
    )
