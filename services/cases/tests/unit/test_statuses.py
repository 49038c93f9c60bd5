"""The status model and the one mapping from status to overview category."""

from __future__ import annotations

import pytest

from cases.statuses import (
    CATEGORIES,
    CATEGORY_OF,
    INITIAL_STATUS,
    CaseKind,
    CaseStatus,
    Category,
    category_of,
)


def test_every_status_has_exactly_one_category() -> None:
    assert set(CATEGORY_OF) == set(CaseStatus)
    assert set(CATEGORY_OF.values()) == set(CATEGORIES)


def test_category_ids_and_overview_order_are_stable() -> None:
    assert [category.value for category in CATEGORIES] == [
        "received",
        "in_progress",
        "under_investigation",
        "decided_granted",
        "decided_rejected",
        "not_processed",
        "aborted",
        "closed",
    ]


@pytest.mark.parametrize(
    ("status", "category"),
    [
        ("received", Category.RECEIVED),
        ("invited", Category.IN_PROGRESS),
        ("awaiting_data", Category.IN_PROGRESS),
        ("advice_ready", Category.IN_PROGRESS),
        ("on_hold", Category.IN_PROGRESS),
        ("under_investigation", Category.UNDER_INVESTIGATION),
        ("decided_granted", Category.DECIDED_GRANTED),
        ("decided_rejected", Category.DECIDED_REJECTED),
        ("not_processed", Category.NOT_PROCESSED),
        ("aborted", Category.ABORTED),
        ("closed", Category.CLOSED),
    ],
)
def test_category_of_status(status: str, category: Category) -> None:
    assert category_of(status) is category


def test_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="bogus"):
        category_of("bogus")


def test_a_new_case_starts_in_the_first_step_of_its_kind() -> None:
    assert INITIAL_STATUS[CaseKind.APPLICATION] is CaseStatus.RECEIVED
    assert INITIAL_STATUS[CaseKind.RE_EXAMINATION] is CaseStatus.INVITED
