"""Consumers of other services' events: a typed event in, one service call out."""

from __future__ import annotations

from datetime import timedelta

from contracts.assessment import DataDelivered, DataSessionStarted, DecisionRecorded
from contracts.cases import CaseHouseholdCorrected, CaseOpened, CaseStatusChanged
from contracts.documents import DocumentAdded
from contracts.licences import Feature, features
from contracts.organisations import LicenceChanged
from correspondence.campaigns import repository as campaigns
from correspondence.campaigns import service as campaign_service
from correspondence.letters import service as letters
from correspondence.requests import repository as requests
from correspondence.residents import repository as residents
from correspondence.residents import service as case_copies
from correspondence.schedules import service as schedules
from servicekit.clock import Clock
from servicekit.routes import HandlerContext


class Handlers:
    """Bound to the runtime's clock and the reminder setting; registered in `build_runtime`."""

    def __init__(self, *, clock: Clock, reminder_after_days: int) -> None:
        self._clock = clock
        self._reminder_after = timedelta(days=reminder_after_days)

    async def case_opened(self, context: HandlerContext, event: CaseOpened) -> None:
        """Remember the addressee; an application is acknowledged (Awb 4:3a, by e-mail)."""
        await case_copies.remember(context.session, event)
        if event.kind == "application":
            await letters.create(
                context.session,
                case_id=event.case_id,
                kind="acknowledgement",
                cause="case_opened",
                now=self._clock.now(),
                correlation_id=context.envelope.correlation_id,
                causation_id=context.envelope.event_id,
            )

    async def household_corrected(
        self, context: HandlerContext, event: CaseHouseholdCorrected
    ) -> None:
        await case_copies.correct(context.session, event)

    async def licence_changed(self, context: HandlerContext, event: LicenceChanged) -> None:
        """A licence without campaigns pauses the running ones (the tenant copy is updated
        first, in the same transaction)."""
        if Feature.RE_EXAMINATIONS in features(event.licence, frozenset(event.addons)):
            return
        await campaign_service.pause_for_licence(
            context.session, code=event.code, licence=event.licence, now=self._clock.now()
        )

    async def status_changed(self, context: HandlerContext, event: CaseStatusChanged) -> None:
        """A decided status needs nothing (the decision event drafts the letter);
        `not_processed` (a beslisser decided after the term passed) sends that letter."""
        await residents.set_status(context.session, case_id=event.case_id, status=event.to_status)
        if event.to_status != "not_processed":
            return
        term = ""
        for request in reversed(await requests.of_case(context.session, event.case_id)):
            term = request.term_ends_on.isoformat()
            break
        await letters.create(
            context.session,
            case_id=event.case_id,
            kind="not_processed",
            cause=f"status:{context.envelope.event_id}",
            now=self._clock.now(),
            correlation_id=context.envelope.correlation_id,
            causation_id=context.envelope.event_id,
            values={"term_ends_on": term},
        )

    async def data_session_started(
        self, context: HandlerContext, event: DataSessionStarted
    ) -> None:
        """The invitation (Ockto link and QR, the upload link as the alternative), and one
        reminder if no data arrive; a re-examination's invitation waits for its campaign."""
        session, now = context.session, self._clock.now()
        case = await residents.get_case(session, event.case_id)
        if case is None:
            raise letters.CaseNotKnownYetError(str(event.case_id))
        re_examination = case.kind == "re_examination"
        status = "queued"
        if re_examination and case.campaign:
            await campaigns.lock(session, code=case.municipality_code, name=case.campaign)
            running = await campaigns.running(
                session, code=case.municipality_code, name=case.campaign
            )
            status = "queued" if running else "held"
        cause = f"session:{event.session_id}"
        values = {
            "ockto_link": event.url,
            "needs_upload_link": True,
            # The documents service's purpose (what the portal asks for); the key makes the
            # reminder reuse the invitation's link.
            "upload_purpose": "evidence",
            "upload_link_key": "data_invitation",
            "reminds_of": cause,
        }
        await letters.create(
            session,
            case_id=event.case_id,
            kind="re_examination_invitation" if re_examination else "data_invitation",
            cause=cause,
            now=now,
            correlation_id=context.envelope.correlation_id,
            causation_id=context.envelope.event_id,
            values=values,
            status=status,
        )
        await schedules.remind_later(
            session,
            case_id=event.case_id,
            municipality_code=event.municipality_code,
            cause=cause,
            due_at=now + self._reminder_after,
            now=now,
            values=values,
        )

    async def data_delivered(self, context: HandlerContext, event: DataDelivered) -> None:
        await schedules.information_arrived(
            context.session,
            case_id=event.case_id,
            now=self._clock.now(),
            what="gegevens",
            correlation_id=context.envelope.correlation_id,
            causation_id=context.envelope.event_id,
        )

    async def document_added(self, context: HandlerContext, event: DocumentAdded) -> None:
        """What the resident (or staff for them) sent counts; our own archived letters do not."""
        if event.source == "system" or event.kind == "letter":
            return
        await schedules.information_arrived(
            context.session,
            case_id=event.case_id,
            now=self._clock.now(),
            what="documenten",
            correlation_id=context.envelope.correlation_id,
            causation_id=context.envelope.event_id,
        )

    async def decision_recorded(self, context: HandlerContext, event: DecisionRecorded) -> None:
        """The decision letter, drafted for the beslisser's preview; a decision the system took
        itself (granted without investigation, file check) has no beslisser and goes at once."""
        kind = "decision_granted" if event.outcome == "granted" else "decision_rejected"
        await letters.create(
            context.session,
            case_id=event.case_id,
            kind=kind,
            cause=f"decision:{event.decision_id}",
            now=self._clock.now(),
            correlation_id=context.envelope.correlation_id,
            causation_id=context.envelope.event_id,
            values={
                "decision_id": str(event.decision_id),
                "reasons": list(event.reasons),
                "custom_reason": event.custom_reason or "",
                "effective_from": event.effective_from.isoformat() if event.effective_from else "",
                "decided_by": event.decided_by,
            },
            status="queued" if event.decided_by == "system" else "draft",
        )
