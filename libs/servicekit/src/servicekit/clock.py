"""The time a service acts on: the wall clock, moved forward only by tests.

Terms, reminders, expiry and retention read `runtime.clock.now()` (and pass it into their
queries) instead of `datetime.now()` or SQL `now()`, so a test moves time instead of waiting.
With `BACKOFFICE_ENVIRONMENT=test` a service also serves `PUT /testing/clock`
(`{"offset_seconds": ...}`), which end-to-end tests use to move a running process's clock;
in any other environment that route does not exist.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """UTC now, plus an offset that only tests set."""

    def __init__(self) -> None:
        self._offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    @property
    def offset(self) -> timedelta:
        return self._offset

    def set_offset(self, offset: timedelta) -> None:
        """Move this clock to `offset` from the wall clock (tests only)."""
        self._offset = offset

    def advance(self, delta: timedelta) -> None:
        self._offset += delta
