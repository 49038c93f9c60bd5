"""Consumers of other services' events: a typed event in, one service call out."""

from __future__ import annotations

from contracts.cases import CaseOpened, CaseStatusChanged
from documents.known_cases import service
from servicekit.routes import HandlerContext


async def case_opened(context: HandlerContext, event: CaseOpened) -> None:
    await service.case_opened(session=context.session, event=event)


async def case_status_changed(context: HandlerContext, event: CaseStatusChanged) -> None:
    await service.status_changed(session=context.session, event=event)
