"""The one vocabulary is complete: every code has its Dutch word, every status its category."""

from __future__ import annotations

from contracts.permissions import REFUSAL, ROLES_OF, Permission, permissions_of
from contracts.vocabulary import (
    ADVICE_LABEL,
    CATEGORIES,
    CATEGORY_LABEL,
    CATEGORY_OF,
    DECISION_LABEL,
    KIND_LABEL,
    ROLE_LABEL,
    STAFF_ROLES,
    STATUS_HINT,
    STATUS_LABEL,
    STATUSES_OF_CATEGORY,
    Advice,
    CaseKind,
    CaseStatus,
    Category,
    Decision,
    Role,
)


def test_every_status_has_a_label_and_exactly_one_category() -> None:
    assert set(STATUS_LABEL) == set(CaseStatus)
    assert set(CATEGORY_OF) == set(CaseStatus)
    assert set(STATUS_HINT) <= set(CaseStatus)


def test_every_category_has_a_label_and_holds_its_statuses() -> None:
    assert set(CATEGORY_LABEL) == set(Category) == set(CATEGORIES)
    assert set(CATEGORY_OF.values()) == set(Category), "no category without a status"
    held = [status for statuses in STATUSES_OF_CATEGORY.values() for status in statuses]
    assert sorted(held) == sorted(CaseStatus), "each status in exactly one category"
    assert STATUSES_OF_CATEGORY[Category.IN_PROGRESS] == (
        CaseStatus.INVITED,
        CaseStatus.AWAITING_DATA,
        CaseStatus.ADVICE_READY,
        CaseStatus.ON_HOLD,
    )


def test_every_kind_advice_decision_and_role_has_a_label() -> None:
    assert set(KIND_LABEL) == set(CaseKind)
    assert set(ADVICE_LABEL) == set(Advice)
    assert set(DECISION_LABEL) == set(Decision)
    assert set(ROLE_LABEL) == set(Role)


def test_one_word_per_thing() -> None:
    """The labels that disagreed before (Gesloten / afgesloten / Afgesloten; Toegekend /
    Besloten: toegekend) are one word now, and a label is never used for two statuses."""
    assert STATUS_LABEL[CaseStatus.CLOSED] == CATEGORY_LABEL[Category.CLOSED] == "Afgesloten"
    assert STATUS_LABEL[CaseStatus.DECIDED_GRANTED] == DECISION_LABEL[Decision.GRANTED]
    assert len(set(STATUS_LABEL.values())) == len(STATUS_LABEL)
    assert ADVICE_LABEL[Advice.INVESTIGATE] != STATUS_LABEL[CaseStatus.UNDER_INVESTIGATION]


def test_system_is_no_staff_role() -> None:
    assert Role.SYSTEM not in STAFF_ROLES
    assert set(STAFF_ROLES) | {Role.SYSTEM} == set(Role)


def test_every_permission_has_roles_and_a_refusal() -> None:
    assert set(ROLES_OF) == set(Permission)
    assert set(REFUSAL) == set(Permission)
    assert all(ROLES_OF[p] for p in Permission), "a permission nobody holds is dead"


def test_the_operator_reads_no_case_file_and_system_only_what_it_is_given() -> None:
    assert Permission.CASES_READ not in permissions_of(Role.OPERATOR)
    assert permissions_of(Role.SYSTEM) == {
        Permission.APPLICATIONS_SUBMIT,
        Permission.MUNICIPALITIES_READ,
        # Services store letters and Ockto sources, and make links for their letters.
        Permission.DOCUMENTS_READ,
        Permission.DOCUMENTS_ADD,
        Permission.UPLOAD_LINKS_MANAGE,
        Permission.OCKTO_DELIVER,
        Permission.CORRESPONDENCE_READ,
    }
    assert not permissions_of(Role.OPERATOR) & {
        Permission.DOCUMENTS_READ,
        Permission.ASSESSMENT_READ,
    }
    assert Role.SYSTEM not in ROLES_OF[Permission.CASES_READ]
