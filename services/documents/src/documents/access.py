"""Who may do what in the documents service: the permissions of `contracts.permissions`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from servicekit.auth import Permission, Principal, require

Reader = Annotated[Principal, Depends(require(Permission.DOCUMENTS_READ))]
"""List, read and download a case's documents (the auditor and the operator see no case data)."""
Uploader = Annotated[Principal, Depends(require(Permission.DOCUMENTS_ADD))]
LinkManager = Annotated[Principal, Depends(require(Permission.UPLOAD_LINKS_MANAGE))]
HoldManager = Annotated[Principal, Depends(require(Permission.LEGAL_HOLDS_MANAGE))]
PolicyManager = Annotated[Principal, Depends(require(Permission.RETENTION_MANAGE))]
Auditor = Annotated[Principal, Depends(require(Permission.AUDIT_READ))]
