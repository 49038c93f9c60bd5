"""The decision term of a case (Awb 4:13) as the case page shows it.

The cases service is the ONE source: it answers `decision_due_on` (receipt plus eight weeks,
later by the days a term to complete suspended it, Awb 4:15), `decision_days_left` (null once
decided) and `decision_term_suspended`. This module only reads them for the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DECISION_TERM = timedelta(weeks=8)
"""Awb 4:13 lid 2, to explain the due date (the service computes it)."""


@dataclass(frozen=True)
class Deadline:
    received: date | None
    due: date
    days_left: int | None
    """Negative when the term has passed; None once decided."""
    suspended_now: bool

    @property
    def ended(self) -> bool:
        """Decided: the term no longer runs."""
        return self.days_left is None

    @property
    def extended_days(self) -> int:
        """The days terms to complete added to the eight weeks (Awb 4:15)."""
        if self.received is None:
            return 0
        return max(0, (self.due - (self.received + DECISION_TERM)).days)

    @property
    def expired(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def soon(self) -> bool:
        return self.days_left is not None and 0 <= self.days_left <= 7

    @property
    def remaining(self) -> str:
        return days_left(self.days_left)


def days_left(value: Any) -> str:
    """The days left in words: "nog 12 dagen", "verloopt vandaag", "3 dagen verlopen"."""
    if not isinstance(value, int):
        return ""
    if value == 0:
        return "verloopt vandaag"
    if value > 0:
        return f"nog {value} {'dag' if value == 1 else 'dagen'}"
    return f"{-value} {'dag' if value == -1 else 'dagen'} verlopen"


def _local_day(value: Any) -> date | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(AMSTERDAM)
    return moment.date()


def today() -> date:
    return datetime.now(AMSTERDAM).date()


def deadline_of(case: dict[str, Any], handling: dict[str, Any] | None = None) -> Deadline | None:
    """The case's decision term as the service answers it; None without one (a
    re-examination). `handling` is accepted for the template's call and not needed."""
    try:
        due = date.fromisoformat(str(case.get("decision_due_on")))
    except ValueError:
        return None
    left = case.get("decision_days_left")
    return Deadline(
        received=_local_day(case.get("submitted_at")),
        due=due,
        days_left=left if isinstance(left, int) else None,
        suspended_now=bool(case.get("decision_term_suspended")),
    )
