"""Who may do what in the correspondence service: the permissions of `contracts.permissions`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from servicekit.auth import Permission, Principal, require

Reader = Annotated[Principal, Depends(require(Permission.CORRESPONDENCE_READ))]
"""Reads correspondence of cases in scope (never the operator: letters hold personal data)."""
Handler = Annotated[Principal, Depends(require(Permission.CORRESPONDENCE_SEND))]
"""Handles cases: information requests, contact preferences, print batches."""
Decider = Annotated[Principal, Depends(require(Permission.CASES_DECIDE))]
"""Approves and sends the decision letter ("akkoord en verzenden")."""
Designer = Annotated[Principal, Depends(require(Permission.TEMPLATES_MANAGE))]
"""Edits templates and the house style of the own organisation."""
TemplateReader = Annotated[Principal, Depends(require(Permission.TEMPLATES_READ))]
CampaignManager = Annotated[Principal, Depends(require(Permission.CAMPAIGNS_MANAGE))]
CampaignReader = Annotated[Principal, Depends(require(Permission.CAMPAIGNS_READ))]
"""Campaign progress holds counts only, no personal data: operators may watch it too."""
