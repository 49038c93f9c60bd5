"""The work list's HTTP models: ONE source, `contracts.api.worklist` (re-exported here)."""

from __future__ import annotations

from contracts.api.worklist import WorkItemCount, WorkList

__all__ = ["WorkItemCount", "WorkList"]
