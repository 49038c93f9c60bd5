"""Every situation the Ockto simulator offers, delivered by the simulator itself (signed,
posted to the callback as Ockto does) and assessed by the real service: the advice, the
income it counted and the figures its Dutch explanation names.

The expected figures follow from the default parameters (DOMAIN.md): 120% of the 2026 norm
including holiday pay, so incomes paid without holiday pay are raised by the 8% holiday
allowance; allowances (zorgtoeslag) never count; asset limit € 8,000 single, € 16,000
couple; no margin; the Belastingdienst, MijnOverheid and the bank required.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from contracts.household import Adult, Household

from .conftest import Assessment
from .support import (
    count,
    events,
    household,
    invited_session,
    open_case,
    register,
    simulator_delivers,
    staff,
    valid_bsn,
    view,
)

READER = staff("behandelaar")
SINGLE_LIMIT = "1681.80"
"""120% of € 1,401.50."""
SINGLE_WORDS = "120% van de bijstandsnorm voor een alleenstaande"
SINGLE_ASSETS = "Uw vermogen van € 2.562,55 is niet hoger dan de vermogensgrens van € 8.000,00."
"""The current account (€ 412.55) and savings (€ 2,150.00) most scenarios deliver."""
WAGES = "1352.16"
"""The wages of € 1,248.17, € 1,248.17 and € 1,259.66 average € 1,252.00; plus 8% holiday pay."""
GRANT = "Daarom is het advies: toekennen."
INVESTIGATE = "Daarom is het advies: onderzoeken. Een medewerker kijkt naar uw aanvraag."


def _income_line(total: str, limit: str = "€ 1.681,80", words: str = SINGLE_WORDS) -> str:
    return (
        f"Uw netto-inkomen van {total} per maand is niet hoger dan de inkomensgrens van "
        f"{limit} ({words})."
    )


@dataclass(frozen=True)
class Expected:
    scenario: str
    advice: str
    label: str
    reasons: list[str]
    total: str
    counted: dict[tuple[str, str], str]
    """(person, kind) → the monthly amount counted for that income."""
    explanation: list[str]
    limit: str = SINGLE_LIMIT
    assets: str = "2562.55"
    not_counted: list[str] = field(default_factory=lambda: ["allowance"])


SINGLE_SCENARIOS = [
    Expected(
        "wages_under_limit",
        "grant",
        "Toekennen",
        [],
        WAGES,
        {("applicant", "wages"): WAGES},
        [_income_line("€ 1.352,16"), SINGLE_ASSETS, GRANT],
    ),
    Expected(
        # € 1,105.40 a month from the UWV, paid without holiday pay: plus 8% = € 1,193.83.
        "uwv_benefit",
        "grant",
        "Toekennen",
        [],
        "1193.83",
        {("applicant", "benefit_uwv"): "1193.83"},
        [_income_line("€ 1.193,83"), SINGLE_ASSETS, GRANT],
    ),
    Expected(
        # Profit has no holiday pay to add; self-employment always needs a closer look.
        "self_employed",
        "investigate",
        "Onderzoeken",
        ["self_employed"],
        "1350.00",
        {("applicant", "self_employed"): "1350.00"},
        [
            _income_line("€ 1.350,00"),
            SINGLE_ASSETS,
            "U heeft inkomsten als zelfstandige. Die bekijkt een medewerker apart.",
            INVESTIGATE,
        ],
    ),
    Expected(
        # € 25,400 at ASN Bank and € 412.55 on the current account: far above € 8,000.
        "savings_above_limit",
        "reject",
        "Afwijzen",
        ["assets_above_limit"],
        "1285.20",
        {("applicant", "wages"): "1285.20"},
        [
            _income_line("€ 1.285,20"),
            "Uw vermogen van € 25.812,55 is hoger dan de vermogensgrens van € 8.000,00.",
            "Daarom is het advies: afwijzen.",
        ],
        assets="25812.55",
        not_counted=[],
    ),
    Expected(
        # Exactly the limit, holiday pay included: "niet hoger dan" the limit is within it.
        "income_at_limit",
        "grant",
        "Toekennen",
        [],
        SINGLE_LIMIT,
        {("applicant", "wages"): SINGLE_LIMIT},
        [_income_line("€ 1.681,80"), SINGLE_ASSETS, GRANT],
    ),
    Expected(
        # A partner the case does not name could change the household: investigate.
        "partner_not_on_case",
        "investigate",
        "Onderzoeken",
        ["partner_not_on_case"],
        WAGES,
        {("applicant", "wages"): WAGES},
        [
            _income_line("€ 1.352,16"),
            SINGLE_ASSETS,
            "Uit de gegevens blijkt dat u een partner heeft, maar op de aanvraag staat geen "
            "partner. Een medewerker zoekt dit uit.",
            INVESTIGATE,
        ],
    ),
    Expected(
        # Only the Belastingdienst and the UWV: MijnOverheid and the bank (the assets) missing.
        "source_missing",
        "investigate",
        "Onderzoeken",
        ["data_incomplete"],
        WAGES,
        {("applicant", "wages"): WAGES},
        [
            _income_line("€ 1.352,16"),
            "Wij hebben geen gegevens over uw vermogen; de vermogensgrens is € 8.000,00.",
            "Van u hebben wij geen gegevens ontvangen van de bank en MijnOverheid.",
            INVESTIGATE,
        ],
        assets="0.00",
    ),
]


def _counted(advice: dict[str, object]) -> dict[tuple[str, str], str]:
    figures = advice["figures"]
    assert isinstance(figures, dict)
    return {
        (person["person"], item["kind"]): item["monthly"]
        for person in figures["income"]["per_person"]
        for item in person["items"]
        if item["counted"]
    }


def _not_counted(advice: dict[str, object]) -> list[str]:
    figures = advice["figures"]
    assert isinstance(figures, dict)
    return [
        item["kind"]
        for person in figures["income"]["per_person"]
        for item in person["items"]
        if not item["counted"]
    ]


async def _delivered(assessment: Assessment, home: Household, scenario: str) -> dict[str, object]:
    """Open a case for the household, let the simulator deliver the scenario, and return the
    assessment the service shows for it."""
    case_id, _ = await open_case(assessment, home=home)
    session_id = await invited_session(assessment, case_id)

    outcome = await simulator_delivers(assessment, session_id, scenario)

    assert outcome["status_code"] == 200, outcome
    assert outcome["response"]["status"] == "accepted"
    seen = await view(assessment, case_id, READER)
    assert [s["state"] for s in seen["sessions"]] == ["delivered"]
    return seen


@pytest.mark.parametrize("expected", SINGLE_SCENARIOS, ids=lambda e: e.scenario)
async def test_each_single_scenario_gets_the_advice_its_figures_call_for(
    assessment: Assessment, expected: Expected
) -> None:
    await register(assessment, "0363")

    seen = await _delivered(assessment, household(), expected.scenario)

    advice = seen["advice"]
    assert (advice["advice"], advice["label"]) == (expected.advice, expected.label)
    assert advice["reasons"] == expected.reasons
    assert advice["figures"]["household_type"] == "single"
    assert advice["figures"]["income"]["total"] == expected.total
    assert advice["figures"]["income"]["limit"] == expected.limit
    assert advice["figures"]["assets"]["total"] == expected.assets
    assert _counted(advice) == expected.counted
    assert _not_counted(advice) == expected.not_counted
    assert advice["explanation"] == expected.explanation
    given = await events(assessment, "assessment.advice.given")
    assert [(e["data"]["advice"], e["data"]["reasons"]) for e in given] == [
        (expected.advice, expected.reasons)
    ]


async def test_the_wages_scenario_brings_its_income_statement_for_the_documents_service(
    assessment: Assessment,
) -> None:
    await register(assessment, "0363")

    seen = await _delivered(assessment, household(), "wages_under_limit")

    assert [d["kind"] for d in seen["data"][0]["documents"]] == ["income_statement"]
    assert await count(assessment, "source_documents") == 1
    assert not assessment.simulator.state.files, "the one-time link was used"


async def test_an_aow_couple_with_a_pension_is_counted_together_against_the_pension_norm(
    assessment: Assessment,
) -> None:
    await register(assessment, "0363")
    n = datetime.now(UTC).microsecond
    home = Household(
        applicant=Adult(
            bsn=valid_bsn(3_000 + n),
            initials="W.",
            last_name="Visser",
            date_of_birth=date(1950, 4, 2),
        ),
        partner=Adult(
            bsn=valid_bsn(4_000_000 + n),
            initials="G.",
            last_name="Visser",
            date_of_birth=date(1953, 9, 20),
        ),
    )

    seen = await _delivered(assessment, home, "aow_couple_pension")

    # AOW € 1,018.62 each and a pension of € 168.30, all paid without holiday pay (plus 8%):
    # € 1,100.11 + € 181.76 for the applicant, € 1,100.11 for the partner. The limit is 120%
    # of the couple's pension-age norm of € 2,144.16. Assets: € 9,400.00 and € 1,890.12 joint
    # at the Rabobank, € 2,150.00 of the applicant's savings.
    advice = seen["advice"]
    assert (advice["advice"], advice["label"], advice["reasons"]) == ("grant", "Toekennen", [])
    assert (advice["figures"]["household_type"], advice["figures"]["age_band"]) == (
        "couple",
        "pension_age",
    )
    assert _counted(advice) == {
        ("applicant", "aow"): "1100.11",
        ("applicant", "pension"): "181.76",
        ("partner", "aow"): "1100.11",
    }
    per_person = {p["person"]: p["monthly"] for p in advice["figures"]["income"]["per_person"]}
    assert per_person == {"applicant": "1281.87", "partner": "1100.11"}
    assert advice["figures"]["income"]["total"] == "2381.98"
    assert advice["figures"]["income"]["limit"] == "2572.99"
    assert advice["figures"]["assets"] == {
        "total": "13440.12",
        "limit": "16000.00",
        "asset_test": True,
    }
    assert advice["explanation"] == [
        "Uw gezamenlijke netto-inkomen van € 2.381,98 per maand is niet hoger dan de "
        "inkomensgrens van € 2.572,99 (120% van de bijstandsnorm voor gehuwden of "
        "samenwonenden met de AOW-leeftijd).",
        "Uw vermogen van € 13.440,12 is niet hoger dan de vermogensgrens van € 16.000,00.",
        GRANT,
    ]


async def test_income_at_the_limit_is_within_it_even_where_the_municipality_has_a_margin(
    assessment: Assessment,
) -> None:
    """The margin lies above the limit (rules: `total > limit` and at most `limit * (1 +
    margin)` investigates); a figure equal to the limit is not higher than it, so it grants
    with or without a margin, and the explanation does not speak of the margin."""
    await register(assessment, "0363")
    added = await assessment.client.post(
        "/municipalities/0363/parameters",
        json={"valid_from": datetime.now(UTC).date().isoformat(), "margin_percent": 5},
        headers=assessment.headers(staff("functioneel_beheerder")),
    )
    assert added.status_code == 201, added.text

    seen = await _delivered(assessment, household(), "income_at_limit")

    advice = seen["advice"]
    assert advice["parameter_version_id"] == added.json()["id"]
    assert advice["figures"]["margin_percent"] == "5"
    assert (advice["advice"], advice["reasons"]) == ("grant", [])
    assert advice["figures"]["income"]["total"] == advice["figures"]["income"]["limit"]
    assert advice["explanation"][0] == _income_line("€ 1.681,80")
    assert not any("marge" in line for line in advice["explanation"])
