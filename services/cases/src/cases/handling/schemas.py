"""The HTTP models of case handling: ONE source, `contracts.api.cases`, shared with the
gateway's public API (re-exported here)."""

from __future__ import annotations

from contracts.api.cases import (
    AssigneeRequest,
    CaseHandling,
    CaseSummary,
    HistoryEntry,
    Hold,
    HoldRequest,
    Memo,
    MemoRequest,
    Reason,
    TransitionRequest,
)

__all__ = [
    "AssigneeRequest",
    "CaseHandling",
    "CaseSummary",
    "HistoryEntry",
    "Hold",
    "HoldRequest",
    "Memo",
    "MemoRequest",
    "Reason",
    "TransitionRequest",
]
