"""The HTTP models of the re-examination import: ONE source, `contracts.api.intake`, shared
with the gateway's public API (re-exported here)."""

from __future__ import annotations

from contracts.api.intake import (
    ImportDetail,
    ImportList,
    ImportListItem,
    ImportSummary,
    Outcome,
    ReportRow,
)

__all__ = ["ImportDetail", "ImportList", "ImportListItem", "ImportSummary", "Outcome", "ReportRow"]
