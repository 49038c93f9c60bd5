"""The in-memory decisions of a batch of application revisions (no database)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from cases.opening.repository import CaseState, HouseholdCounts
from cases.opening.service import ApplicationRevision, plan_revisions
from contracts.base import Envelope
from contracts.household import Adult, Household
from contracts.intake import ApplicationCorrected, ApplicationReceived
from servicekit.routes import Delivery

SUBMITTED = datetime(2026, 11, 29, 8, 15, tzinfo=UTC)


def household(last_name: str, *, partner: bool = False) -> Household:
    adult = Adult(
        bsn="111222333", initials="J.", last_name=last_name, date_of_birth=date(1981, 4, 17)
    )
    return Household(applicant=adult, partner=adult if partner else None)


def revision(number: str, revision: int, last_name: str, **shape: bool) -> ApplicationRevision:
    fields = {
        "application_id": uuid.uuid4(),
        "application_number": number,
        "revision": revision,
        "source_event_id": uuid.uuid4(),
        "municipality_code": "0363",
        "submitted_at": SUBMITTED,
        "requested_start_date": date(2027, 1, 1),
        "household": household(last_name, **shape),
    }
    if revision == 1:
        return ApplicationReceived(**fields)
    return ApplicationCorrected(**fields, corrected_at=SUBMITTED)


def delivered(*events: ApplicationRevision) -> list[Delivery[ApplicationRevision]]:
    return [Delivery(Envelope.wrap(e, correlation_id="c"), e) for e in events]


def test_an_existing_case_takes_only_newer_revisions_and_keeps_each_revision_once() -> None:
    case = CaseState(id=uuid.uuid4(), revision=2, status="received", municipality_code="0599")
    changes = plan_revisions(
        delivered(
            revision("GV-1", 2, "Twee"),  # applied before
            revision("GV-1", 1, "Een"),  # kept before
            revision("GV-1", 4, "Vier", partner=True),
            revision("GV-1", 3, "Drie"),
            revision("GV-1", 3, "Drie"),
        ),
        existing={"GV-1": (case, {1, 2})},
        opened={},
    )
    assert [row["revision"] for row in changes.revisions] == [4, 3]
    assert [(row["action"], row["details"]["revision"]) for row in changes.history] == [
        ("household_corrected", 4),
        ("revision_recorded", 3),
    ]
    assert changes.replaced == [case.id]
    assert changes.households[case.id].applicant.last_name == "Vier"
    assert changes.counts == [HouseholdCounts(case.id, 4, 2, 2)]
    [(follow_up, _, _)] = changes.follow_ups
    assert follow_up.model_dump(include={"municipality_code", "revision"}) == {
        "municipality_code": "0599",
        "revision": 4,
    }
    assert (changes.corrected, changes.late, changes.repeated) == (1, 1, 3)


def test_a_case_opened_in_the_batch_needs_no_removal_and_no_update_unless_corrected() -> None:
    opened = {"GV-1": uuid.uuid4(), "GV-2": uuid.uuid4()}
    changes = plan_revisions(
        delivered(
            revision("GV-1", 1, "Een"),
            revision("GV-2", 2, "Twee"),
            revision("GV-2", 3, "Drie", partner=True),
        ),
        existing={},
        opened=opened,
    )
    assert changes.replaced == []
    assert {case_id: h.applicant.last_name for case_id, h in changes.households.items()} == {
        opened["GV-1"]: "Een",
        opened["GV-2"]: "Drie",
    }
    assert changes.counts == [HouseholdCounts(opened["GV-2"], 3, 2, 2)]
    assert [row["action"] for row in changes.history] == [
        "opened",
        "opened",
        "household_corrected",
    ]
    assert [type(event).__name__ for event, _, _ in changes.follow_ups] == [
        "CaseOpened",
        "CaseOpened",
        "CaseHouseholdCorrected",
    ]
