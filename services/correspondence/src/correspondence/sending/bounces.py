"""Bounces: delivery status notifications (RFC 3464) that the mail server posts back.

The DSN names the original message (its Message-ID in the returned headers); we record the
bounce on the case, mark the e-mail `bounced`, and send the letter by post where an address is
known. Refusals during the SMTP conversation itself are recorded by the worker directly.
"""

from __future__ import annotations

import email
import email.policy
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from correspondence.letters import repository
from correspondence.letters import service as letters
from correspondence.letters.models import Bounce

_MESSAGE_ID = re.compile(r"<letter-[0-9a-f-]{36}@[^>]+>")


class NotADsnError(ValueError):
    pass


@dataclass(frozen=True)
class Dsn:
    message_id: str
    recipient: str
    action: str
    status: str
    diagnostic: str


def _fields(part: Message) -> list[dict[str, str]]:
    """The per-message and per-recipient field groups of a message/delivery-status part."""
    payload = part.get_payload()
    groups: list[dict[str, str]] = []
    items = payload if isinstance(payload, list) else []
    for block in items:
        if isinstance(block, Message):
            groups.append({k.lower(): str(v) for k, v in block.items()})
    if not groups and isinstance(payload, str):
        for chunk in payload.strip().split("\n\n"):
            fields = {}
            for line in chunk.splitlines():
                if ":" in line:
                    key, value = line.split(":", 1)
                    fields[key.strip().lower()] = value.strip()
            groups.append(fields)
    return groups


def parse(raw: bytes) -> Dsn:
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    if message.get_content_type() != "multipart/report":
        raise NotADsnError("geen DSN (multipart/report) ontvangen")
    status_part = next(
        (p for p in message.walk() if p.get_content_type() == "message/delivery-status"), None
    )
    if status_part is None:
        raise NotADsnError("de DSN mist het deel message/delivery-status")
    recipients = [g for g in _fields(status_part) if "action" in g]
    if not recipients:
        raise NotADsnError("de DSN noemt geen ontvanger")
    failed = next((g for g in recipients if g["action"].lower() == "failed"), recipients[0])
    original = next(
        (
            p
            for p in message.walk()
            if p.get_content_type() in {"message/rfc822", "text/rfc822-headers"}
        ),
        None,
    )
    text = original.as_string() if original is not None else raw.decode("utf-8", "replace")
    found = _MESSAGE_ID.search(text)
    if found is None:
        raise NotADsnError("de DSN verwijst niet naar een brief van ons (Message-ID ontbreekt)")
    recipient = failed.get("final-recipient", failed.get("original-recipient", ""))
    return Dsn(
        message_id=found.group(0),
        recipient=recipient.split(";", 1)[-1].strip(),
        action=failed["action"].lower(),
        status=failed.get("status", ""),
        diagnostic=failed.get("diagnostic-code", "")[:500],
    )


async def record(session: AsyncSession, dsn: Dsn, *, now: datetime) -> Bounce | None:
    """Record a failed delivery; a delayed or delivered report changes nothing."""
    if dsn.action != "failed":
        return None
    letter = await repository.by_message_id(session, dsn.message_id)
    if letter is None:
        return None
    bounce = Bounce(
        letter_id=letter.id,
        case_id=letter.case_id,
        municipality_code=letter.municipality_code,
        recipient=dsn.recipient or (letter.recipient or ""),
        status=dsn.status or "5.0.0",
        diagnostic=dsn.diagnostic or "onbestelbaar",
        source="dsn",
        received_at=now,
    )
    await repository.add_bounce(session, bounce)
    if letter.status == "sent":
        letter.status = "bounced"
        letter.last_error = f"onbestelbaar: {dsn.status} {dsn.diagnostic}"[:1000]
        await _by_post(
            session,
            letter_id=letter.id,
            case_id=letter.case_id,
            kind=letter.kind,
            values=letter.values or {},
            now=now,
        )
    return bounce


async def _by_post(
    session: AsyncSession,
    *,
    letter_id: uuid.UUID,
    case_id: uuid.UUID,
    kind: str,
    values: dict[str, Any],
    now: datetime,
) -> list[uuid.UUID]:
    """The same message by post (when the case has an address and the licence has letters)."""
    return await letters.create(
        session,
        case_id=case_id,
        kind=kind,
        cause=f"bounce:{letter_id}",
        now=now,
        correlation_id=f"bounce:{letter_id}",
        values=dict(values),
        by_post=True,
    )


def sample_dsn(*, message_id: str, recipient: str, reporting: str = "mail.example") -> bytes:
    """A DSN as a mail server writes it (the demo catcher and the tests use it)."""
    boundary = "dsn-boundary-0001"
    return (
        f"From: Mail Delivery System <MAILER-DAEMON@{reporting}>\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\r\n'
        "\r\n"
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Uw bericht kon niet worden afgeleverd.\r\n"
        f"--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; {reporting}\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {message_id}\r\nTo: {recipient}\r\n\r\n"
        f"--{boundary}--\r\n"
    ).encode()
