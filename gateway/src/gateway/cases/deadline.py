"""The handling deadline of a case: the legal decision term of eight weeks after receipt of
the application (Awb 4:13), extended by the days the case was on hold waiting for the
applicant (Awb 4:15: the term is suspended while a term to complete the application runs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DECISION_TERM = timedelta(weeks=8)
"""Awb 4:13 lid 2: a decision within eight weeks after receipt when no rule sets a term."""
_DAY = 24 * 60 * 60


@dataclass(frozen=True)
class Deadline:
    received: date
    due: date
    days_left: int
    """Negative when the term has passed."""
    suspended_days: int
    suspended_now: bool
    ended: bool
    """Decided (or otherwise ended): the term no longer runs."""

    @property
    def expired(self) -> bool:
        return not self.ended and self.days_left < 0

    @property
    def soon(self) -> bool:
        return not self.ended and 0 <= self.days_left <= 7

    @property
    def remaining(self) -> str:
        """The days left in words: "nog 12 dagen", "vandaag", "3 dagen verlopen"."""
        if self.days_left == 0:
            return "verloopt vandaag"
        if self.days_left > 0:
            return f"nog {self.days_left} {'dag' if self.days_left == 1 else 'dagen'}"
        late = -self.days_left
        return f"{late} {'dag' if late == 1 else 'dagen'} verlopen"


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


def deadline_of(
    case: dict[str, Any], handling: dict[str, Any] | None, *, on: date | None = None
) -> Deadline | None:
    """The deadline of an application (a re-examination is the municipality's own, with no
    statutory term); None when the case does not say when it was received."""
    if case.get("kind") != "application":
        return None
    received = _local_day(case.get("submitted_at"))
    if received is None:
        return None
    handling = handling or {}
    seconds = handling.get("seconds_on_hold")  # whole days only: never later than the law
    suspended = int(seconds) // _DAY if isinstance(seconds, int) and seconds > 0 else 0
    due = received + DECISION_TERM + timedelta(days=suspended)
    return Deadline(
        received=received,
        due=due,
        days_left=(due - (on or today())).days,
        suspended_days=suspended,
        suspended_now=isinstance(handling.get("hold"), dict),
        ended=bool(handling.get("handling_ended_at")),
    )
