"""The HTTP models of the case list, the overview and the access log: ONE source,
`contracts.api.cases`, shared with the gateway's public API (re-exported here)."""

from __future__ import annotations

from contracts.api.cases import (
    AuditEntry,
    AuditPage,
    CasePage,
    CaseSummary,
    CategoryCounts,
    Counts,
    DeadlineCounts,
    Overview,
)

__all__ = [
    "AuditEntry",
    "AuditPage",
    "CasePage",
    "CaseSummary",
    "CategoryCounts",
    "Counts",
    "DeadlineCounts",
    "Overview",
]
