"""The HTTP models of the intake API: ONE source, `contracts.api.intake`, shared with the
gateway's public API (re-exported here)."""

from __future__ import annotations

from contracts.api.intake import (
    DiscardRequest,
    IntakeResult,
    Municipality,
    QuarantinedDetail,
    QuarantinedItem,
    QuarantinePage,
    QuarantineResult,
    ReprocessResult,
)

__all__ = [
    "DiscardRequest",
    "IntakeResult",
    "Municipality",
    "QuarantinePage",
    "QuarantineResult",
    "QuarantinedDetail",
    "QuarantinedItem",
    "ReprocessResult",
]
