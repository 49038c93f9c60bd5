"""What became of a message from the website."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Accepted:
    application_number: str
    revision: int

    @property
    def outcome(self) -> str:
        return "accepted" if self.revision == 1 else "corrected"


@dataclass(frozen=True)
class Duplicate:
    application_number: str
    outcome: str = "duplicate"


@dataclass(frozen=True)
class Quarantined:
    quarantine_id: uuid.UUID
    reason_code: str
    reason: str
    outcome: str = "quarantined"


Outcome = Accepted | Duplicate | Quarantined
