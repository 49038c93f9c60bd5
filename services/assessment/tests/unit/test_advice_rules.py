"""The advice rules: examples from the contract and DOMAIN.md, and properties (hypothesis)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.advice.facts import AssetItem, DataSet, HouseholdFacts, IncomeItem
from assessment.advice.rules import assess, income_limit, reference_period
from assessment.parameters.values import ParameterSet, default_parameters

PARAMS = default_parameters("0363", version_id=uuid.UUID(int=1))
ALL = frozenset({"belastingdienst", "uwv", "mijnoverheid", "bank"})
DECEMBER = date(2026, 12, 3)
ORDER = {"grant": 2, "investigate": 1, "reject": 0}


def facts(
    *, partner: bool = False, children: int = 0, born: date = date(1980, 1, 1)
) -> HouseholdFacts:
    return HouseholdFacts(born, date(1981, 1, 1) if partner else None, children, DECEMBER)


def wages(
    amount: str | Decimal, person: str = "applicant", *, holiday: bool = False, kind: str = "wages"
) -> tuple[IncomeItem, ...]:
    return tuple(
        IncomeItem(
            person,
            kind,
            "uwv",
            "Werkgever",
            date(2026, m, 1),
            date(2026, m, 28),
            "monthly",
            Decimal(amount),
            holiday,
        )  # type: ignore[arg-type]
        for m in (9, 10, 11)
    )


def ockto(
    incomes: tuple[IncomeItem, ...],
    assets: Decimal = Decimal("2150"),
    *,
    partner: bool = False,
    detected: bool = False,
    sources: frozenset[str] = ALL,
) -> DataSet:
    persons = ("applicant", "partner") if partner else ("applicant",)
    return DataSet(
        "ockto",
        persons,  # type: ignore[arg-type]
        incomes,
        (AssetItem("joint", "savings", "bank", "ING", date(2026, 12, 1), assets),),
        tuple((p, sources) for p in persons),  # type: ignore[misc]
        detected,
    )


def test_the_issues_example_is_explained_in_plain_dutch() -> None:
    result = assess(facts(), (ockto(wages("1702.00", holiday=True)),), PARAMS)
    assert result.advice == "reject"
    assert result.reasons == ("income_above_limit",)
    assert result.explanation[0] == (
        "Uw netto-inkomen van € 1.702,00 per maand is hoger dan de inkomensgrens van € 1.681,80 "
        "(120% van de bijstandsnorm voor een alleenstaande)."
    )


@pytest.mark.parametrize(
    ("kind", "band", "holiday", "percentage", "expected"),
    [
        ("single", "working_age", True, 120, "1681.80"),
        ("single", "working_age", True, 110, "1541.65"),
        ("single", "working_age", True, 130, "1821.95"),
        ("couple", "working_age", True, 120, "2402.56"),
        ("couple", "working_age", True, 130, "2602.77"),
        ("single_parent", "working_age", True, 120, "1681.80"),
        ("single", "working_age", False, 120, "1597.71"),
    ],
)
def test_limits_follow_the_2026_norms(
    kind: str, band: str, holiday: bool, percentage: int, expected: str
) -> None:
    parameters = dataclasses.replace(
        PARAMS, holiday_pay_included=holiday, income_percentage=Decimal(percentage)
    )
    assert income_limit(parameters, kind, band)[0] == Decimal(expected)  # type: ignore[arg-type]


def test_holiday_pay_is_added_allowances_left_out_and_the_period_counted_back() -> None:
    incomes = (
        *wages("1000.00"),
        IncomeItem(
            "applicant",
            "allowance",
            "belastingdienst",
            "Toeslagen",
            date(2026, 11, 1),
            date(2026, 11, 30),
            "monthly",
            Decimal("131"),
            False,
            "zorgtoeslag",
        ),
        IncomeItem(
            "applicant",
            "wages",
            "uwv",
            "Oud",
            date(2026, 1, 1),
            date(2026, 1, 31),
            "monthly",
            Decimal("5000"),
            False,
        ),
    )
    result = assess(facts(), (ockto(incomes),), PARAMS)
    assert result.income_total == Decimal("1080.00")
    assert (result.period_start, result.period_end) == (date(2026, 9, 1), date(2026, 11, 30))
    assert reference_period(date(2026, 1, 15), 3) == (date(2025, 10, 1), date(2025, 12, 31))
    without = dataclasses.replace(PARAMS, holiday_pay_included=False)
    assert assess(
        facts(), (ockto(wages("1080.00", holiday=True)),), without
    ).income_total == Decimal("1000.00")


@pytest.mark.parametrize(
    ("data", "household", "reason"),
    [
        (ockto(wages("900"), detected=True), facts(), "partner_not_on_case"),
        (ockto(wages("900", kind="self_employed")), facts(), "self_employed"),
        (ockto(wages("900")), facts(partner=True), "data_incomplete"),
        (ockto(wages("900"), sources=frozenset({"uwv"})), facts(), "data_incomplete"),
        (ockto(wages("1690.00", holiday=True)), facts(), "within_margin"),
    ],
)
def test_doubts_give_onderzoeken_with_the_reason(
    data: DataSet, household: HouseholdFacts, reason: str
) -> None:
    parameters = dataclasses.replace(PARAMS, margin_percent=Decimal(2))
    result = assess(household, (data,), parameters)
    assert result.advice == "investigate"
    assert reason in result.reasons


def test_conflicting_sources_and_assets_above_the_limit() -> None:
    manual = DataSet("manual", ("applicant",), wages("1500"), ())
    conflict = assess(facts(), (ockto(wages("900")), manual), PARAMS)
    assert conflict.advice == "investigate"
    assert conflict.reasons == ("conflicting_data",)
    rich = assess(facts(), (ockto(wages("900"), Decimal("25000")),), PARAMS)
    assert (rich.advice, rich.reasons) == ("reject", ("assets_above_limit",))
    assert (
        "Uw vermogen van € 25.000,00 is hoger dan de vermogensgrens van € 8.000,00."
        in rich.explanation
    )
    untested = assess(
        facts(),
        (ockto(wages("900"), Decimal("25000")),),
        dataclasses.replace(PARAMS, asset_test=False),
    )
    assert untested.advice == "grant"


amounts = st.decimals(min_value=0, max_value=6000, places=2, allow_nan=False, allow_infinity=False)
balances = st.decimals(
    min_value=-5000, max_value=40000, places=2, allow_nan=False, allow_infinity=False
)
margins = st.decimals(min_value=0, max_value=10, places=1, allow_nan=False, allow_infinity=False)
kinds = st.sampled_from(["wages", "benefit_uwv", "self_employed", "pension"])
parameter_sets = st.builds(
    lambda pct, holiday, margin, test: dataclasses.replace(
        PARAMS,
        income_percentage=Decimal(pct),
        holiday_pay_included=holiday,
        margin_percent=margin,
        asset_test=test,
    ),
    st.integers(min_value=100, max_value=150),
    st.booleans(),
    margins,
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(parameter_sets, amounts, amounts, balances, kinds, st.booleans(), st.booleans())
def test_more_income_or_more_assets_never_makes_the_advice_more_favourable(
    parameters: ParameterSet,
    income: Decimal,
    extra: Decimal,
    assets: Decimal,
    kind: str,
    partner: bool,
    detected: bool,
) -> None:
    household = facts(partner=partner)
    base = ockto(wages(income, kind=kind), assets, partner=partner, detected=detected)
    more_income = ockto(
        wages(income + extra, kind=kind), assets, partner=partner, detected=detected
    )
    more_assets = ockto(
        wages(income, kind=kind), assets + extra, partner=partner, detected=detected
    )
    before = ORDER[assess(household, (base,), parameters).advice]
    assert ORDER[assess(household, (more_income,), parameters).advice] <= before
    assert ORDER[assess(household, (more_assets,), parameters).advice] <= before


@settings(max_examples=200, deadline=None)
@given(parameter_sets, st.booleans(), st.integers(min_value=0, max_value=3))
def test_exactly_at_the_limit_counts_as_within(
    parameters: ParameterSet, partner: bool, children: int
) -> None:
    household = facts(partner=partner, children=children)
    probe = assess(household, (ockto((), partner=partner),), parameters)
    limit = probe.income_limit
    at_limit = ockto(
        wages(limit, holiday=parameters.holiday_pay_included), Decimal(0), partner=partner
    )
    result = assess(household, (at_limit,), parameters)
    assert result.income_total == limit
    assert "income_above_limit" not in result.reasons
    assert "within_margin" not in result.reasons
    if not partner:
        assert result.advice == "grant"
    asset_limit = parameters.asset_limits[probe.household_type]
    at_asset_limit = assess(household, (ockto((), asset_limit, partner=partner),), parameters)
    assert "assets_above_limit" not in at_asset_limit.reasons


@settings(max_examples=200, deadline=None)
@given(
    parameter_sets,
    st.booleans(),
    st.integers(min_value=0, max_value=3),
    st.dates(min_value=date(1930, 1, 1), max_value=date(2005, 1, 1)),
)
def test_a_couples_limit_is_never_below_a_singles(
    parameters: ParameterSet, pension: bool, children: int, born: date
) -> None:
    single = assess(facts(children=children, born=born), (), parameters)
    couple = assess(HouseholdFacts(born, born, children, DECEMBER), (), parameters)
    assert couple.income_limit >= single.income_limit
    if parameters.asset_test:
        assert couple.asset_limit is not None
        assert single.asset_limit is not None
        assert couple.asset_limit >= single.asset_limit


@settings(max_examples=200, deadline=None)
@given(parameter_sets, amounts, balances, kinds, st.booleans(), st.booleans())
def test_the_same_input_gives_the_same_advice_and_explanation(
    parameters: ParameterSet,
    income: Decimal,
    assets: Decimal,
    kind: str,
    partner: bool,
    detected: bool,
) -> None:
    household = facts(partner=partner)
    first = assess(
        household,
        (ockto(wages(income, kind=kind), assets, partner=partner, detected=detected),),
        parameters,
    )
    again = assess(
        household,
        (ockto(wages(income, kind=kind), assets, partner=partner, detected=detected),),
        parameters,
    )
    assert first == again
    assert first.explanation == again.explanation
