"""The letters worker: competing consumers of `correspondence.letters`, any number of replicas.

Each work item names a letter. A replica takes a batch, holds a PostgreSQL advisory lock per
letter on a connection of its own (released by PostgreSQL the moment a crashed replica's
connection goes), renders the batch at once, archives the PDFs, and then sends letter by
letter: the `sent` marker (with `correspondence.letter.sent` in the outbox) is committed per
letter right after the SMTP server accepted it, and only then are the work items acked.

The one window left: the SMTP server accepted a message and the replica died before its
commit. The redelivered item then sends that letter once more, with the same Message-ID
(derived from the letter id), so the receiving side can recognise it as the same message. We
chose this over committing `sent` before the final SMTP step, which in the same window would
lose the letter: a decision that never reaches the resident is worse than a recognisable
duplicate. The window is one round trip plus a commit (well under a millisecond locally), and
one lock per replica keeps it to one letter at a time even with two batches in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import datetime, timedelta
from typing import Any

import structlog
from aio_pika.abc import AbstractIncomingMessage, AbstractQueue
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from contracts.correspondence import LetterFailed, LetterQueued, LetterSent
from contracts.registry import ALL_EVENTS
from contracts.vocabulary import DECISION_LETTER_KINDS
from correspondence.campaigns import repository as campaigns
from correspondence.letters import repository
from correspondence.letters.models import Bounce, Letter
from correspondence.peers import Documents, DocumentsUnavailableError, UploadLink
from correspondence.rendering import email as mail
from correspondence.rendering.compose import Output, Renderer
from correspondence.rendering.seal import seal
from correspondence.sending.prepare import jobs_for, local_day
from correspondence.sending.smtp import Mailer, SmtpFailure
from correspondence.settings import CorrespondenceSettings
from servicekit.bus import DEAD_LETTER_EXCHANGE, EVENTS_EXCHANGE, Bus, parking_queue_name
from servicekit.clock import Clock
from servicekit.consumer import DELIVERY_LIMIT
from servicekit.db import Database
from servicekit.metrics import CAMPAIGN_LETTERS
from servicekit.outbox import add_event, add_events

log = structlog.get_logger(__name__)


def letters_queue(service: str) -> str:
    """`correspondence.letters` in production (KEDA scales on its depth); a test instance with a
    service name of its own gets a queue of its own, whatever else shares the broker."""
    return f"{service}.letters"


_LOCK = text(
    "SELECT id FROM unnest(CAST(:ids AS uuid[])) AS id "
    "WHERE pg_try_advisory_lock(hashtextextended(id::text, 7))"
)
_UNLOCK = text("SELECT pg_advisory_unlock_all()")
_SET_DOCUMENTS = text(
    "UPDATE letters SET document_id = d.document_id "
    "FROM unnest(CAST(:ids AS uuid[]), CAST(:documents AS uuid[])) AS d(id, document_id) "
    "WHERE letters.id = d.id"
)
_SENT = text(
    "UPDATE letters SET status = 'sent', sent_at = :sent_at, message_id = :message_id "
    "WHERE id = :id"
)
PEER_CONCURRENCY = 8
"""Calls to the documents service in flight at once per batch (upload links, archiving)."""
BATCHES_IN_FLIGHT = 2
"""Batches a replica works at once; `letters_prefetch` should cover them."""


UPLOAD_MESSAGE = (
    "Stuur ons bewijs van uw inkomen en vermogen, zoals loonstroken, een "
    "uitkeringsspecificatie of bankafschriften."
)
"""What the upload portal asks when the letter says nothing more specific (the invitation)."""


def upload_message(values: dict[str, Any]) -> str:
    """The sentence on the resident's upload page: the staff member's message, else the items
    asked for, else what an invitation asks."""
    items = [str(item) for item in values.get("items") or [] if str(item).strip()]
    text = str(values.get("message") or "").strip() or "; ".join(items) or UPLOAD_MESSAGE
    return text[:1000]


def backoff(settings: CorrespondenceSettings, attempts: int) -> timedelta:
    seconds = settings.send_retry_base_seconds * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.send_retry_max_seconds))


async def record_failure(
    session: AsyncSession,
    letter: Letter,
    *,
    reason: str,
    retryable: bool,
    now: datetime,
    settings: CorrespondenceSettings,
) -> None:
    """Retry later with backoff, or park the letter with its reason (and say so on the bus)."""
    letter.attempts += 1
    letter.last_error = reason[:1000]
    if retryable and letter.attempts < settings.send_max_attempts:
        letter.status = "retry"
        letter.next_attempt_at = now + backoff(settings, letter.attempts)
        return
    letter.status = "failed"
    letter.next_attempt_at = None
    await add_event(
        session,
        LetterFailed(
            letter_id=letter.id,
            case_id=letter.case_id,
            municipality_code=letter.municipality_code,
            kind=letter.kind,
            channel=letter.channel,
            reason=reason[:500],
            failed_at=now,
        ),
        correlation_id=f"letter:{letter.id}",
    )
    log.warning("correspondence.letter.parked", letter_id=str(letter.id), kind=letter.kind)


def sent_event(letter: Letter, now: datetime) -> LetterSent:
    return LetterSent(
        letter_id=letter.id,
        case_id=letter.case_id,
        municipality_code=letter.municipality_code,
        kind=letter.kind,
        channel=letter.channel,
        template_version_id=letter.template_version_id or letter.pdf_template_version_id,
        document_id=letter.document_id,
        campaign=letter.campaign,
        sent_at=now,
    )


def count_campaign_letters(sent: list[Letter]) -> None:
    """After the commit: letters per minute of the campaigns, by kind (the dashboard's)."""
    for letter in sent:
        if letter.campaign:
            CAMPAIGN_LETTERS.labels(letter.kind).inc()


async def declare_queue(bus: Bus, *, prefetch: int) -> AbstractQueue:
    channel = await bus.channel(prefetch=prefetch)
    queue = await channel.declare_queue(
        letters_queue(bus.service),
        durable=True,
        arguments={
            "x-queue-type": "quorum",
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
            "x-dead-letter-routing-key": parking_queue_name(bus.service),
            "x-delivery-limit": DELIVERY_LIMIT,
        },
    )
    await queue.bind(EVENTS_EXCHANGE, routing_key=LetterQueued.event_type)
    return queue


class LetterWorker:
    def __init__(
        self,
        *,
        database: Database,
        bus: Bus,
        clock: Clock,
        settings: CorrespondenceSettings,
        renderer: Renderer,
        mailer: Mailer,
        documents: Documents,
    ) -> None:
        self._database = database
        self._bus = bus
        self._clock = clock
        self._settings = settings
        self._renderer = renderer
        self._mailer = mailer
        self._documents = documents
        self._incoming: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        self._queue: AbstractQueue | None = None
        self._tag: str | None = None
        # Held from handing a message to SMTP until its `sent` commit: whatever batches run,
        # at most one letter per replica is ever in the accepted-but-not-committed window.
        self._sending = asyncio.Lock()

    async def start(self) -> None:
        self._queue = await declare_queue(self._bus, prefetch=self._settings.letters_prefetch)
        self._tag = await self._queue.consume(self._incoming.put)

    async def stop(self) -> None:
        if self._queue is not None and self._tag is not None:
            with contextlib.suppress(Exception):
                await self._queue.cancel(self._tag)
        await self._mailer.close()

    async def run(self) -> None:
        """Take batches and work up to `BATCHES_IN_FLIGHT` of them at once: the next batch
        renders (Typst in a thread) while the previous one waits on SMTP and commits."""
        size = self._settings.render_batch_size
        slots = asyncio.Semaphore(BATCHES_IN_FLIGHT)
        running: set[asyncio.Task[None]] = set()
        try:
            while True:
                await slots.acquire()
                batch = [await self._incoming.get()]
                if self._incoming.qsize() < size - 1:
                    await asyncio.sleep(0.02)
                while len(batch) < size and not self._incoming.empty():
                    batch.append(self._incoming.get_nowait())
                task = asyncio.create_task(self._guarded(batch))
                running.add(task)
                task.add_done_callback(running.discard)
                task.add_done_callback(lambda _: slots.release())
        finally:
            for task in list(running):
                task.cancel()

    async def _guarded(self, batch: list[AbstractIncomingMessage]) -> None:
        try:
            await self.process(batch)
        except asyncio.CancelledError:
            raise
        except Exception:
            # Unacked items come back (to this or another replica); nothing is lost.
            log.exception("correspondence.letters.batch_failed", size=len(batch))
            for message in batch:
                with contextlib.suppress(Exception):
                    await message.nack(requeue=True)
            await asyncio.sleep(1.0)

    async def process(self, messages: list[AbstractIncomingMessage]) -> None:
        ids: list[uuid.UUID] = []
        for message in messages:
            try:
                _, event = ALL_EVENTS.parse(message.body)
                if not isinstance(event, LetterQueued):
                    raise TypeError(type(event).__name__)
                ids.append(event.letter_id)
            except Exception as error:
                await self._bus.park(
                    message,
                    queue=letters_queue(self._bus.service),
                    reason=f"no letter work item: {error}",
                )
                await message.ack()
        if ids:
            async with self._database.engine.connect() as locks:
                held = await self._lock(locks, ids)
                try:
                    if held:
                        await self._work(held)
                finally:
                    await locks.execute(_UNLOCK)
                    await locks.commit()
        for message in messages:
            with contextlib.suppress(Exception):
                await message.ack()

    async def _lock(self, connection: AsyncConnection, ids: list[uuid.UUID]) -> list[uuid.UUID]:
        result = await connection.execute(_LOCK, {"ids": list(dict.fromkeys(ids))})
        await connection.commit()  # session-level locks outlive the transaction
        return [row.id for row in result]

    async def _work(self, ids: list[uuid.UUID]) -> None:
        """Hold what a paused campaign must not send, fetch upload links, render, archive, send.

        A pause or resume may commit at any moment in between: the campaign's decision is taken
        under its lock, and every later write goes only to letters still `queued`, locked."""
        now = self._clock.now()
        letters = await self._hold_paused(ids)
        to_render = [letter for letter in letters if letter.status == "queued"]
        links = await self._fetch_upload_links(to_render, now)
        async with self._database.transaction() as session:
            queued = await repository.lock_still_queued(session, [x.id for x in to_render])
            to_render = [letter for letter in to_render if letter.id in queued]
            await self._apply_upload_links(session, to_render, links, now)
            to_render = [letter for letter in to_render if letter.status == "queued"]
            jobs = await jobs_for(session, to_render, now=now, reuse_versions=True)
        outputs = await self._renderer.render(jobs) if jobs else []
        await self._seal(to_render, outputs)
        async with self._database.transaction() as session:
            queued = await repository.lock_still_queued(session, [x.id for x in to_render])
            for letter, job, output in zip(to_render, jobs, outputs, strict=True):
                if letter.id not in queued:
                    continue  # held (or otherwise moved) while it rendered: leave it be
                session.add(letter)
                if output.error:
                    await record_failure(
                        session,
                        letter,
                        reason=output.error,
                        retryable=output.retryable,
                        now=now,
                        settings=self._settings,
                    )
                    continue
                letter.status = "rendered"
                letter.subject, letter.pdf = output.subject, output.pdf
                letter.html, letter.text_body = output.html, output.text
                letter.template_version_id = job.email_template.id if job.email_template else None
                letter.pdf_template_version_id = job.pdf_template.id if job.pdf_template else None
                letter.rendered_at = now
        ready = [letter for letter in letters if letter.status == "rendered"]
        await self._archive(ready)
        await self._send_post([letter for letter in ready if letter.channel == "post"])
        emails = [letter for letter in ready if letter.channel == "email"]
        if emails:
            # One connection for the batch's `sent` commits (still one commit per letter):
            # no pool checkout and ping per letter.
            async with self._database.engine.connect() as connection:
                for letter in emails:
                    await self._send_email(letter, connection)

    async def _hold_paused(self, ids: list[uuid.UUID]) -> list[Letter]:
        """The letters still to render or send; those of a paused campaign become `held`. Each
        campaign's lock (its start, pause and resume take it too) makes the pause decision and
        the `held` write one step that no pause or resume can come between."""
        async with self._database.transaction() as session:
            letters = await repository.work(session, ids)
            pairs = sorted(
                {
                    (letter.municipality_code, letter.campaign)
                    for letter in letters
                    if letter.campaign
                }
            )
            for code, name in pairs:  # always in this order: two replicas cannot deadlock
                await campaigns.lock(session, code=code, name=name)
            paused = await campaigns.paused(session, set(pairs))
            held = {
                letter.id
                for letter in letters
                if letter.campaign and (letter.municipality_code, letter.campaign) in paused
            }
            await repository.hold(session, list(held))
        # None of a paused campaign's letters goes on, even one that changed since it was read.
        return [letter for letter in letters if letter.id not in held]

    async def _fetch_upload_links(
        self, letters: list[Letter], now: datetime
    ) -> dict[uuid.UUID, UploadLink | Exception]:
        """Letters that offer an upload link get the resident's link from the documents service
        (idempotent per case and purpose) before they are rendered; the calls of a batch go
        concurrently (a few at a time), outside any transaction."""
        if not self._documents.configured:
            return {}
        wanted = [
            letter
            for letter in letters
            if (letter.values or {}).get("needs_upload_link")
            and not (letter.values or {}).get("upload_link")
        ]
        if not wanted:
            return {}
        limit = asyncio.Semaphore(PEER_CONCURRENCY)

        async def link(letter: Letter) -> UploadLink | Exception:
            values = letter.values or {}
            purpose = values.get("upload_purpose", "evidence")
            key = values.get("upload_link_key", purpose)
            async with limit:
                try:
                    return await self._documents.upload_link(
                        case_id=letter.case_id,
                        purpose=purpose,
                        expires_at=now + timedelta(days=self._settings.upload_link_days),
                        message=upload_message(values),
                        idempotency_key=f"{letter.case_id}:{key}",
                    )
                except (DocumentsUnavailableError, RuntimeError) as error:
                    return error

        results = await asyncio.gather(*(link(letter) for letter in wanted))
        return {letter.id: result for letter, result in zip(wanted, results, strict=True)}

    async def _apply_upload_links(
        self,
        session: AsyncSession,
        letters: list[Letter],
        links: dict[uuid.UUID, UploadLink | Exception],
        now: datetime,
    ) -> None:
        """Each letter's link into its values, or its retry when the link could not be had."""
        for letter in letters:
            result = links.get(letter.id)
            if result is None:
                continue
            session.add(letter)
            if isinstance(result, Exception):
                await record_failure(
                    session,
                    letter,
                    reason=f"uploadlink niet beschikbaar: {result}",
                    retryable=True,
                    now=now,
                    settings=self._settings,
                )
                continue
            values = dict(letter.values or {})
            values["upload_link"] = result.url
            values["upload_link_id"] = str(result.id)
            letter.values = values

    async def _seal(self, letters: list[Letter], outputs: list[Output]) -> None:
        for letter, output in zip(letters, outputs, strict=True):
            certificate = self._settings.seal_certificates.get(letter.municipality_code)
            if certificate is None or letter.kind not in DECISION_LETTER_KINDS or not output.pdf:
                continue
            try:
                output.pdf = await asyncio.to_thread(
                    seal,
                    output.pdf,
                    pkcs12_path=certificate.pkcs12_path,
                    passphrase=certificate.passphrase,
                    name=letter.municipality_code,
                )
                letter.sealed = True
            except Exception as error:
                output.error = f"Het besluit kon niet worden verzegeld ({type(error).__name__})"
                output.retryable = False

    async def _archive(self, letters: list[Letter]) -> None:
        await archive(
            self._database,
            self._documents,
            [letter for letter in letters if letter.pdf and not letter.document_id],
        )

    async def _send_post(self, letters: list[Letter]) -> None:
        if not letters:
            return
        now = self._clock.now()
        async with self._database.transaction() as session:
            for letter in letters:
                session.add(letter)
                letter.status, letter.sent_at, letter.print_date = "sent", now, local_day(now)
            await add_events(
                session,
                [(sent_event(letter, now), f"letter:{letter.id}", None) for letter in letters],
            )
        count_campaign_letters(letters)

    async def _send_email(self, letter: Letter, connection: AsyncConnection) -> None:
        now = self._clock.now()
        domain = self._settings.message_id_domain
        message = mail.build(
            letter_id=letter.id,
            case_id=letter.case_id,
            sender=self._settings.mail_from,
            reply_to=None,
            recipient=letter.recipient or "",
            subject=letter.subject or "",
            html=letter.html or "",
            text=letter.text_body or "",
            pdf=letter.pdf,
            pdf_name=f"brief-{letter.kind}-{str(letter.id)[:8]}.pdf",
            domain=domain,
            date=now,
        )
        async with self._sending:
            try:
                await self._mailer.send(message, recipient=letter.recipient or "")
            except SmtpFailure as failure:
                await self._smtp_failed(letter, failure, now)
                return
            message_id = mail.message_id(letter.id, domain)
            async with self._database.sessions(bind=connection) as session, session.begin():
                await session.execute(
                    _SENT, {"id": letter.id, "sent_at": now, "message_id": message_id}
                )
                await add_event(
                    session, sent_event(letter, now), correlation_id=f"letter:{letter.id}"
                )
        letter.status, letter.sent_at, letter.message_id = "sent", now, message_id

    async def _smtp_failed(self, letter: Letter, failure: SmtpFailure, now: datetime) -> None:
        async with self._database.transaction() as session:
            session.add(letter)
            if (
                failure.permanent
                and failure.code is not None
                and failure.code in {550, 551, 553, 554, 501}
            ):
                await repository.add_bounce(
                    session,
                    Bounce(
                        letter_id=letter.id,
                        case_id=letter.case_id,
                        municipality_code=letter.municipality_code,
                        recipient=letter.recipient or "",
                        status=str(failure.code),
                        diagnostic=failure.reason,
                        source="smtp",
                        received_at=now,
                    ),
                )
            await record_failure(
                session,
                letter,
                reason=failure.reason,
                retryable=not failure.permanent,
                now=now,
                settings=self._settings,
            )


async def archive(database: Database, documents: Documents, letters: list[Letter]) -> int:
    """Store letter PDFs in the documents service (idempotent by letter id); a failure leaves
    `document_id` empty for the sweep to try again. The calls go a few at a time, and the
    document ids of a batch are written in one transaction."""
    if not documents.configured or not letters:
        return 0
    limit = asyncio.Semaphore(PEER_CONCURRENCY)

    async def store(letter: Letter) -> uuid.UUID | None:
        async with limit:
            try:
                return await documents.store_letter(
                    case_id=letter.case_id,
                    letter_id=letter.id,
                    pdf=letter.pdf or b"",
                    file_name=f"brief-{letter.kind}-{str(letter.id)[:8]}.pdf",
                )
            except (DocumentsUnavailableError, RuntimeError):
                log.warning("correspondence.letter.archive_deferred", letter_id=str(letter.id))
                return None

    results = await asyncio.gather(*(store(letter) for letter in letters))
    stored = [
        (letter, document_id)
        for letter, document_id in zip(letters, results, strict=True)
        if document_id is not None
    ]
    if not stored:
        return 0
    async with database.transaction() as session:
        await session.execute(
            _SET_DOCUMENTS,
            {
                "ids": [letter.id for letter, _ in stored],
                "documents": [document_id for _, document_id in stored],
            },
        )
    for letter, document_id in stored:
        letter.document_id = document_id
    return len(stored)
