"""Consumers of other services' events: a typed event in, one service call out."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.casefile import opening
from assessment.casefile import repository as cases
from assessment.casefile import service as casefile
from assessment.crypto import Keyring
from assessment.parameters import service as parameters
from contracts.cases import CaseAssigned, CaseHouseholdCorrected, CaseOpened, CaseStatusChanged
from contracts.documents import DocumentAdded, DocumentDeleted
from contracts.organisations import MunicipalityRegistered
from servicekit.clock import Clock
from servicekit.routes import Delivery, HandlerContext

CASE_EVENTS: tuple[
    type[CaseOpened | CaseHouseholdCorrected | CaseStatusChanged | CaseAssigned], ...
] = (
    CaseOpened,
    CaseHouseholdCorrected,
    CaseStatusChanged,
    CaseAssigned,
)
DOCUMENT_EVENTS: tuple[type[DocumentAdded | DocumentDeleted], ...] = (
    DocumentAdded,
    DocumentDeleted,
)


@dataclass(frozen=True)
class Handlers:
    """The handlers with what they need from the runtime (the clock, the keyring, a secret)."""

    clock: Clock
    keyring: Keyring
    bsn_secret: str

    async def municipality_registered(
        self, context: HandlerContext, event: MunicipalityRegistered
    ) -> None:
        """A new customer starts with the default parameter version."""
        await parameters.ensure_default(context.session, event.code, at=self.clock.now())

    async def case_events(
        self,
        session: AsyncSession,
        deliveries: list[
            Delivery[CaseOpened | CaseHouseholdCorrected | CaseStatusChanged | CaseAssigned]
        ],
    ) -> None:
        """The cases' events, in the order they arrived (one handler keeps that order)."""
        for delivery in deliveries:
            event, envelope = delivery.event, delivery.envelope
            at = self.clock.now()
            if isinstance(event, CaseOpened):
                await opening.case_opened(
                    session,
                    event,
                    bsn_secret=self.bsn_secret,
                    at=at,
                    correlation_id=envelope.correlation_id,
                    causation_id=envelope.event_id,
                )
            elif isinstance(event, CaseHouseholdCorrected):
                await opening.household_corrected(
                    session,
                    event,
                    keyring=self.keyring,
                    at=at,
                    correlation_id=envelope.correlation_id,
                    causation_id=envelope.event_id,
                )
            elif isinstance(event, CaseStatusChanged):
                await opening.status_changed(session, event, at=at)
            else:
                await casefile.record_assignment(session, event)

    async def document_events(
        self, session: AsyncSession, deliveries: list[Delivery[DocumentAdded | DocumentDeleted]]
    ) -> None:
        """The documents of each case, so that manual entries can link to them."""
        for delivery in deliveries:
            event = delivery.event
            if isinstance(event, DocumentAdded):
                await cases.add_document(
                    session,
                    {
                        "document_id": event.document_id,
                        "case_id": event.case_id,
                        "kind": event.kind,
                        "added_at": event.added_at,
                    },
                )
            else:
                await cases.forget_document(session, event.document_id)
