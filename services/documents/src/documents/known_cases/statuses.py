"""Which case statuses end the resident's uploads, and which one starts retention."""

from __future__ import annotations

from typing import Final

CLOSED: Final = "closed"
UPLOADS_ENDED: Final = frozenset(
    {"closed", "aborted", "decided_granted", "decided_rejected", "not_processed"}
)
"""A link stops working once its case is decided, not processed, aborted or closed (an
aborted case that a beslisser restores takes uploads again)."""
