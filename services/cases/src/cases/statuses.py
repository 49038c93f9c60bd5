"""The cases service's rules about statuses, on top of the shared vocabulary.

The statuses, kinds, categories and their Dutch labels live in ONE place,
`contracts.vocabulary` (re-exported here for the service's modules); this module adds what
only the cases service decides: the first status of each kind, which statuses are open, in
which the handling clock stops, and which statuses a kind can have.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from contracts.vocabulary import (
    CATEGORIES,
    CATEGORY_OF,
    KIND_LABEL,
    STATUS_LABEL,
    CaseKind,
    CaseStatus,
    Category,
    category_of,
)

__all__ = [
    "CATEGORIES",
    "CATEGORY_OF",
    "CLOCK_STOPPED",
    "INITIAL_STATUS",
    "KIND_LABEL",
    "OPEN_STATUSES",
    "STATUSES_OF_KIND",
    "STATUS_LABEL",
    "UNDECIDED",
    "CaseKind",
    "CaseStatus",
    "Category",
    "category_of",
]

INITIAL_STATUS: Final[MappingProxyType[CaseKind, CaseStatus]] = MappingProxyType(
    {CaseKind.APPLICATION: CaseStatus.RECEIVED, CaseKind.RE_EXAMINATION: CaseStatus.INVITED}
)

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

UNDECIDED: Final[tuple[CaseStatus, ...]] = tuple(
    status for status in CaseStatus if status not in CLOCK_STOPPED
)
"""Statuses in which a decision is still due (on hold included): the decision term (Awb 4:13)
and the work list count only these."""

STATUSES_OF_KIND: Final[MappingProxyType[CaseKind, frozenset[CaseStatus]]] = MappingProxyType(
    {
        CaseKind.APPLICATION: frozenset(CaseStatus) - {CaseStatus.INVITED},
        CaseKind.RE_EXAMINATION: frozenset(CaseStatus) - {CaseStatus.RECEIVED},
    }
)
"""A re-examination is never `received`, an application never `invited`."""
