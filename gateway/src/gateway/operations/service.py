"""Shared by the API and the screen: which services park messages, and the audit of each
action on them (in the security log, and logged with ids only: reasons may name people)."""

from __future__ import annotations

from typing import Final, Literal

import structlog
from fastapi import Request

from gateway.audit.service import record
from gateway.client_address import client_address_of
from servicekit.auth import Principal
from servicekit.runtime import ServiceRuntime

log = structlog.get_logger(__name__)

ParkingService = Literal["cases", "intake", "documents", "assessment", "correspondence"]
SERVICE_LABEL: Final[dict[str, str]] = {
    "cases": "Casussen",
    "intake": "Intake",
    "documents": "Documenten",
    "assessment": "Rechtmatigheid",
    "correspondence": "Correspondentie",
}
REPLAY: Final = "parked.replay"
REPLAY_ALL: Final = "parked.replay_all"
DISCARD: Final = "parked.discard"


async def audit(
    request: Request,
    principal: Principal,
    *,
    action: str,
    service: str,
    parked_id: str | None,
    status_code: int,
) -> None:
    """One security-log record of an operator's action, whatever its outcome."""
    result = "success" if 200 <= status_code < 300 else f"failure: {status_code}"
    runtime: ServiceRuntime = request.app.state.runtime
    async with runtime.database.transaction() as session:
        await record(
            session,
            action=action,
            object_=f"parked:{service}:{parked_id or 'alle'}",
            result=result,
            actor=principal.subject,
            origin_ip=client_address_of(request),
            organisation=principal.organisation,
        )
    log.info(
        "operations.parked.action",
        action=action,
        service=service,
        parked_id=parked_id,
        status=status_code,
    )
