"""Who may do what in the documents service: the role sets, in one place (so the coming
permission table replaces them mechanically)."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Depends

from servicekit.auth import Principal, Role, require_roles

READERS: Final[tuple[Role, ...]] = (
    "raadpleger",
    "behandelaar",
    "beslisser",
    "functioneel_beheerder",
    "system",
)
"""List, read and download a case's documents (the auditor and the operator see no case data)."""
UPLOADERS: Final[tuple[Role, ...]] = ("behandelaar", "beslisser", "system")
LINK_MANAGERS: Final[tuple[Role, ...]] = ("behandelaar", "beslisser", "system")
HOLD_MANAGERS: Final[tuple[Role, ...]] = ("beslisser", "functioneel_beheerder")
POLICY_MANAGERS: Final[tuple[Role, ...]] = ("functioneel_beheerder",)
AUDITORS: Final[tuple[Role, ...]] = ("auditor",)

Reader = Annotated[Principal, Depends(require_roles(*READERS))]
Uploader = Annotated[Principal, Depends(require_roles(*UPLOADERS))]
LinkManager = Annotated[Principal, Depends(require_roles(*LINK_MANAGERS))]
HoldManager = Annotated[Principal, Depends(require_roles(*HOLD_MANAGERS))]
PolicyManager = Annotated[Principal, Depends(require_roles(*POLICY_MANAGERS))]
Auditor = Annotated[Principal, Depends(require_roles(*AUDITORS))]
