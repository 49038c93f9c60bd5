"""The advice in plain Dutch, in words a resident could read (B1), always the same for the
same input: no dates of today, no names, only the figures and the rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache

from assessment.advice.facts import Advice, Person
from assessment.money import euro, percentage
from assessment.parameters.values import AgeBand, HouseholdType, ParameterSet
from contracts.vocabulary import long_date

_HOUSEHOLD = {
    ("single", "working_age"): "een alleenstaande",
    ("single_parent", "working_age"): "een alleenstaande ouder",
    ("couple", "working_age"): "gehuwden of samenwonenden",
    ("single", "pension_age"): "een alleenstaande met de AOW-leeftijd",
    ("single_parent", "pension_age"): "een alleenstaande ouder met de AOW-leeftijd",
    ("couple", "pension_age"): "gehuwden of samenwonenden met de AOW-leeftijd",
}
_AGE_BAND = {"working_age": "van 21 jaar tot de AOW-leeftijd", "pension_age": "met de AOW-leeftijd"}
_SOURCES = {
    "belastingdienst": "de Belastingdienst",
    "uwv": "het UWV",
    "mijnoverheid": "MijnOverheid",
    "duo": "DUO",
    "pensioenfonds": "het pensioenfonds",
    "bank": "de bank",
}
_WHOSE = {"applicant": "u", "partner": "uw partner"}
_DOUBTS = {
    "self_employed": "U heeft inkomsten als zelfstandige. Die bekijkt een medewerker apart.",
    "partner_not_on_case": (
        "Uit de gegevens blijkt dat u een partner heeft, maar op de aanvraag staat geen "
        "partner. Een medewerker zoekt dit uit."
    ),
    "conflicting_data": (
        "De gegevens die wij van u hebben, spreken elkaar tegen. Een medewerker zoekt dit uit."
    ),
}


def _short(kind: HouseholdType, band: AgeBand) -> str:
    return _HOUSEHOLD[(kind, band)]


def limit_words(parameters: ParameterSet, kind: HouseholdType, band: AgeBand) -> str:
    """`120% van de bijstandsnorm voor een alleenstaande` (the words in brackets)."""
    if parameters.income_limit_method == "fixed":
        return f"het vaste bedrag dat de gemeente hanteert voor {_short(kind, 'working_age')}"
    return (
        f"{percentage(parameters.income_percentage)} van de bijstandsnorm voor {_short(kind, band)}"
    )


def derivation(
    parameters: ParameterSet, kind: HouseholdType, band: AgeBand, norm: Decimal | None
) -> str:
    """How the limit was derived, in full."""
    return _derivation(
        parameters.income_percentage, parameters.holiday_pay_included, kind, band, norm
    )


@lru_cache(maxsize=1024)
def _derivation(
    pct: Decimal, holiday_pay: bool, kind: HouseholdType, band: AgeBand, norm: Decimal | None
) -> str:
    holiday = "inclusief vakantiegeld" if holiday_pay else "zonder vakantiegeld (95% van de norm)"
    if norm is None:
        return f"Vast bedrag van de gemeente voor {_short(kind, 'working_age')}, {holiday}."
    people = "gehuwden of samenwonenden" if kind == "couple" else "een alleenstaande (ouder)"
    return (
        f"{percentage(pct)} van de bijstandsnorm voor {people} "
        f"{_AGE_BAND[band]} ({euro(norm)} per maand), {holiday}."
    )


def no_data(person: Person) -> str:
    if person == "applicant":
        return "Wij hebben nog geen gegevens over uw inkomen en vermogen."
    return "Van uw partner hebben wij nog geen gegevens over inkomen en vermogen."


def outside_period(person: Person, period: tuple[date, date]) -> str:
    first, last = period
    return (
        f"Wij hebben van {_WHOSE[person]} geen inkomensgegevens over de periode van "
        f"{long_date(first)} tot en met {long_date(last)}."
    )


def missing_sources(person: Person, sources: Sequence[str]) -> str:
    names = [_SOURCES.get(source, source) for source in sources]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]
    return f"Van {_WHOSE[person]} hebben wij geen gegevens ontvangen van {listed}."


def _income_sentence(
    kind: HouseholdType,
    band: AgeBand,
    total: Decimal,
    limit: Decimal,
    parameters: ParameterSet,
) -> str:
    subject = "Uw gezamenlijke netto-inkomen" if kind == "couple" else "Uw netto-inkomen"
    words = limit_words(parameters, kind, band)
    if total <= limit:
        return (
            f"{subject} van {euro(total)} per maand is niet hoger dan de inkomensgrens van "
            f"{euro(limit)} ({words})."
        )
    sentence = (
        f"{subject} van {euro(total)} per maand is hoger dan de inkomensgrens van "
        f"{euro(limit)} ({words})."
    )
    margin = parameters.margin_percent
    if margin > 0 and total <= limit * (1 + margin / 100):
        sentence += (
            f" Het verschil valt binnen de marge van {percentage(margin)}: een medewerker "
            "bekijkt uw aanvraag daarom nauwkeuriger."
        )
    return sentence


def _asset_sentence(
    assets: Decimal | None, asset_limit: Decimal | None, parameters: ParameterSet
) -> str:
    if asset_limit is None:
        return "De gemeente kijkt niet naar uw vermogen."
    if assets is None:
        return (
            f"Wij hebben geen gegevens over uw vermogen; de vermogensgrens is {euro(asset_limit)}."
        )
    if assets <= asset_limit:
        return (
            f"Uw vermogen van {euro(assets)} is niet hoger dan de vermogensgrens van "
            f"{euro(asset_limit)}."
        )
    sentence = (
        f"Uw vermogen van {euro(assets)} is hoger dan de vermogensgrens van {euro(asset_limit)}."
    )
    margin = parameters.margin_percent
    if margin > 0 and assets <= asset_limit * (1 + margin / 100):
        sentence += f" Het verschil valt binnen de marge van {percentage(margin)}."
    return sentence


_CONCLUSION: dict[Advice, str] = {
    "grant": "Daarom is het advies: toekennen.",
    "reject": "Daarom is het advies: afwijzen.",
    "investigate": "Daarom is het advies: onderzoeken. Een medewerker kijkt naar uw aanvraag.",
}


def explain(
    *,
    advice: Advice,
    reasons: Sequence[str],
    notes: Sequence[str],
    kind: HouseholdType,
    band: AgeBand,
    total: Decimal,
    limit: Decimal,
    parameters: ParameterSet,
    assets: Decimal | None,
    asset_limit: Decimal | None,
) -> tuple[str, ...]:
    """Sentences: the income against its limit, the assets against theirs, each doubt, and
    the conclusion."""
    lines = [
        _income_sentence(kind, band, total, limit, parameters),
        _asset_sentence(assets, asset_limit, parameters),
        *notes,
    ]
    lines += [_DOUBTS[reason] for reason in reasons if reason in _DOUBTS]
    lines.append(_CONCLUSION[advice])
    return tuple(lines)
