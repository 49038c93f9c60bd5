"""The statuses of a case and the one mapping from status to overview category.

The workflow (which transitions are allowed, by whom) builds on these; the overview shows the
categories in the order of `CATEGORIES`, every one of them, zeros included.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import Final


class CaseKind(StrEnum):
    APPLICATION = "application"
    RE_EXAMINATION = "re_examination"


class CaseStatus(StrEnum):
    RECEIVED = "received"
    """An application arrived and nobody has acted on it yet."""
    INVITED = "invited"
    """A re-examination: the resident was invited to deliver data."""
    AWAITING_DATA = "awaiting_data"
    """Waiting for data through Ockto or uploaded documents."""
    ADVICE_READY = "advice_ready"
    """The data are in and the system computed an advice; a decision is due."""
    ON_HOLD = "on_hold"
    """Paused by staff (the clock stops); returns to the status it came from."""
    UNDER_INVESTIGATION = "under_investigation"
    """Set by staff: information asked from the resident, the term to complete is running."""
    DECIDED_GRANTED = "decided_granted"
    DECIDED_REJECTED = "decided_rejected"
    NOT_PROCESSED = "not_processed"
    """The term to complete passed without the information (Awb 4:5)."""
    ABORTED = "aborted"
    """Stopped by staff; a beslisser may restore it."""
    CLOSED = "closed"
    """Done: decided and past the handling, awaiting removal after the retention period."""


class Category(StrEnum):
    """The overview's rows; the values are stable ids the gateway and exports rely on."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    UNDER_INVESTIGATION = "under_investigation"
    DECIDED_GRANTED = "decided_granted"
    DECIDED_REJECTED = "decided_rejected"
    NOT_PROCESSED = "not_processed"
    ABORTED = "aborted"
    CLOSED = "closed"


CATEGORIES: Final[tuple[Category, ...]] = tuple(Category)
"""The categories in the order the overview shows them."""

CATEGORY_OF: Final = MappingProxyType(
    {
        CaseStatus.RECEIVED: Category.RECEIVED,
        CaseStatus.INVITED: Category.IN_PROGRESS,
        CaseStatus.AWAITING_DATA: Category.IN_PROGRESS,
        CaseStatus.ADVICE_READY: Category.IN_PROGRESS,
        CaseStatus.ON_HOLD: Category.IN_PROGRESS,
        CaseStatus.UNDER_INVESTIGATION: Category.UNDER_INVESTIGATION,
        CaseStatus.DECIDED_GRANTED: Category.DECIDED_GRANTED,
        CaseStatus.DECIDED_REJECTED: Category.DECIDED_REJECTED,
        CaseStatus.NOT_PROCESSED: Category.NOT_PROCESSED,
        CaseStatus.ABORTED: Category.ABORTED,
        CaseStatus.CLOSED: Category.CLOSED,
    }
)
"""The ONE mapping from status to overview category; every status has exactly one."""

INITIAL_STATUS: Final[MappingProxyType[CaseKind, CaseStatus]] = MappingProxyType(
    {CaseKind.APPLICATION: CaseStatus.RECEIVED, CaseKind.RE_EXAMINATION: CaseStatus.INVITED}
)


def category_of(status: str) -> Category:
    """The overview category of a status (raises ValueError for an unknown status)."""
    return CATEGORY_OF[CaseStatus(status)]


OPEN_STATUSES: Final[frozenset[CaseStatus]] = frozenset(
    {
        CaseStatus.RECEIVED,
        CaseStatus.INVITED,
        CaseStatus.AWAITING_DATA,
        CaseStatus.ADVICE_READY,
        CaseStatus.UNDER_INVESTIGATION,
    }
)
"""Statuses in which the case is actively handled (on hold is open too, but paused)."""

CLOCK_STOPPED: Final[frozenset[CaseStatus]] = frozenset(
    {
        CaseStatus.DECIDED_GRANTED,
        CaseStatus.DECIDED_REJECTED,
        CaseStatus.NOT_PROCESSED,
        CaseStatus.ABORTED,
        CaseStatus.CLOSED,
    }
)
"""Statuses in which the handling time no longer runs."""

STATUSES_OF_KIND: Final[MappingProxyType[CaseKind, frozenset[CaseStatus]]] = MappingProxyType(
    {
        CaseKind.APPLICATION: frozenset(CaseStatus) - {CaseStatus.INVITED},
        CaseKind.RE_EXAMINATION: frozenset(CaseStatus) - {CaseStatus.RECEIVED},
    }
)
"""A re-examination is never `received`, an application never `invited`."""

STATUS_LABEL: Final[MappingProxyType[CaseStatus, str]] = MappingProxyType(
    {
        CaseStatus.RECEIVED: "Ontvangen",
        CaseStatus.INVITED: "Uitgenodigd",
        CaseStatus.AWAITING_DATA: "Wacht op gegevens",
        CaseStatus.ADVICE_READY: "Advies gereed",
        CaseStatus.ON_HOLD: "In afwachting",
        CaseStatus.UNDER_INVESTIGATION: "In onderzoek",
        CaseStatus.DECIDED_GRANTED: "Toegekend",
        CaseStatus.DECIDED_REJECTED: "Afgewezen",
        CaseStatus.NOT_PROCESSED: "Buiten behandeling",
        CaseStatus.ABORTED: "Afgebroken",
        CaseStatus.CLOSED: "Gesloten",
    }
)
"""The names users see (Dutch); the UI and the workflow's messages use these."""

KIND_LABEL: Final[MappingProxyType[CaseKind, str]] = MappingProxyType(
    {CaseKind.APPLICATION: "aanvraag", CaseKind.RE_EXAMINATION: "heronderzoek"}
)
