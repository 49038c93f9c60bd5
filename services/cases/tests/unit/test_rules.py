"""Pure rules of the cases service: revisions, overview folding, household shaping, settings."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from pydantic import ValidationError

from cases.casefile.schemas import Household as HouseholdAnswer
from cases.casefile.schemas import household_of
from cases.models import CasePerson
from cases.opening.repository import person_rows
from cases.opening.service import supersedes
from cases.reporting.search import StatusCount
from cases.reporting.service import Totals, totals_per_category
from cases.settings import CasesSettings
from cases.statuses import CATEGORIES, Category
from contracts.household import Address, Adult, Child, Household


def couple_with_children() -> Household:
    return Household(
        applicant=Adult(
            bsn="111222333",
            initials="J.",
            first_name="Jan",
            prefix="de",
            last_name="Vries",
            date_of_birth=date(1981, 4, 17),
            email="jan@example.nl",
            address=Address(
                street="Prinsengracht",
                house_number=263,
                house_number_suffix="A",
                postal_code="1016 GV",
                city="Amsterdam",
            ),
        ),
        partner=Adult(
            bsn="123456782", initials="F.", last_name="El Amrani", date_of_birth=date(1984, 9, 2)
        ),
        children=(
            Child(bsn="312966210", first_name="Noor", date_of_birth=date(2012, 6, 30)),
            Child(bsn="171497685", first_name="Sami", date_of_birth=date(2016, 1, 11)),
        ),
    )


@pytest.mark.parametrize(
    ("incoming", "applied", "expected"),
    [(2, 1, True), (3, 1, True), (1, 1, False), (1, 2, False), (2, 2, False)],
)
def test_only_a_newer_revision_replaces_the_household(
    incoming: int, applied: int, expected: bool
) -> None:
    assert supersedes(incoming=incoming, applied=applied) is expected


def test_overview_has_every_category_in_order_and_folds_statuses() -> None:
    totals = totals_per_category(
        [
            StatusCount("received", 2, 3, 5),
            StatusCount("awaiting_data", 1, 2, 4),
            StatusCount("on_hold", 1, 1, 1),
            StatusCount("closed", 1, 1, 3),
        ]
    )
    assert list(totals) == list(CATEGORIES)
    assert totals[Category.RECEIVED] == Totals(2, 3, 5)
    assert totals[Category.IN_PROGRESS] == Totals(2, 3, 5)
    assert totals[Category.CLOSED] == Totals(1, 1, 3)
    assert totals[Category.ABORTED] == Totals(0, 0, 0)


def test_household_rows_are_ordered_and_rebuild_the_same_household() -> None:
    case_id = uuid.uuid4()
    household = couple_with_children()
    rows = person_rows(case_id, household)
    assert [(row["position"], row["role"]) for row in rows] == [
        (0, "applicant"),
        (1, "partner"),
        (2, "child"),
        (3, "child"),
    ]
    assert all(row["case_id"] == case_id for row in rows)
    assert len({frozenset(row) for row in rows}) == 1  # one multi-row insert needs equal keys
    rebuilt = household_of([CasePerson(**row) for row in rows])
    assert rebuilt.model_dump(mode="json") == HouseholdAnswer.model_validate(
        household.model_dump(mode="json")
    ).model_dump(mode="json")


def test_production_refuses_the_development_cursor_secret() -> None:
    with pytest.raises(ValidationError, match="CASES_CURSOR_SECRET"):
        CasesSettings(environment="production", internal_token_secret="x" * 40)
    settings = CasesSettings(
        environment="production",
        internal_token_secret="x" * 40,
        cursor_secret="y" * 40,
        bsn_hash_secret="z" * 40,
    )
    assert settings.service_name == "cases"


def test_production_refuses_the_development_bsn_hash_secret() -> None:
    with pytest.raises(ValidationError, match="CASES_BSN_HASH_SECRET"):
        CasesSettings(
            environment="production", internal_token_secret="x" * 40, cursor_secret="y" * 40
        )
