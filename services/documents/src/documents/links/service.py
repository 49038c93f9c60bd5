"""The rules of upload links: create (idempotently), withdraw, and whether one still works.

Takes a session, never commits.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import HTTPException, status
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from documents.known_cases import repository as cases
from documents.known_cases.models import KnownCase
from documents.known_cases.statuses import UPLOADS_ENDED
from documents.links import repository, tokens
from documents.links.models import UploadLink
from servicekit.auth import Principal

LINK_NOT_FOUND = "uploadlink niet gevonden (of niet binnen uw organisatie)"


class LinkState(enum.StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    CASE_CLOSED = "case_closed"


@dataclass(frozen=True)
class Resolved:
    """A link that a token names, with its case and whether it still takes uploads."""

    link: UploadLink
    case: KnownCase
    state: LinkState


def state_of(link: UploadLink, case: KnownCase, *, now: datetime) -> LinkState:
    if link.withdrawn_at is not None:
        return LinkState.WITHDRAWN
    if case.status in UPLOADS_ENDED:
        return LinkState.CASE_CLOSED
    if link.expires_at <= now:
        return LinkState.EXPIRED
    return LinkState.ACTIVE


def url_of(link: UploadLink, *, base_url: str, secret: str) -> str:
    return f"{base_url.rstrip('/')}/inwoner/upload/{tokens.token_for(link.id, secret=secret)}"


class InvalidLinkRequestError(Exception):
    def __init__(self, message: str, *, status_code: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


async def create_link(
    session: AsyncSession,
    *,
    principal: Principal,
    case: KnownCase,
    purpose: str,
    expires_at: datetime,
    message: str,
    idempotency_key: str | None,
    secret: str,
    now: datetime,
    max_days: int,
) -> tuple[UploadLink, bool]:
    """A new link, or the link made before with the same idempotency key (created False)."""
    if idempotency_key is not None:
        earlier = await repository.by_idempotency_key(session, case_id=case.id, key=idempotency_key)
        if earlier is not None:
            return earlier, False
    if case.status in UPLOADS_ENDED:
        raise InvalidLinkRequestError(
            "Deze zaak is afgerond: een uploadlink kan niet meer worden gemaakt.", status_code=409
        )
    if expires_at <= now:
        raise InvalidLinkRequestError("expires_at: moet in de toekomst liggen")
    if expires_at > now + timedelta(days=max_days):
        raise InvalidLinkRequestError(f"expires_at: ten hoogste {max_days} dagen vooruit")
    link_id = uuid.uuid4()
    link = UploadLink(
        id=link_id,
        case_id=case.id,
        municipality_code=case.municipality_code,
        purpose=purpose,
        message=message,
        token_hash=tokens.token_hash(tokens.token_for(link_id, secret=secret)),
        expires_at=expires_at,
        created_by=principal.subject,
        created_at=now,
        idempotency_key=idempotency_key,
    )
    try:
        async with session.begin_nested():
            await repository.add(session, link)
    except IntegrityError:
        # The same request raced this one: answer with the link it made.
        if idempotency_key is None:
            raise
        earlier = await repository.by_idempotency_key(session, case_id=case.id, key=idempotency_key)
        if earlier is None:
            raise
        return earlier, False
    return link, True


async def withdraw(
    session: AsyncSession, *, principal: Principal, link_id: uuid.UUID, now: datetime
) -> UploadLink:
    """Stop the link (again: no change)."""
    link = await repository.get(session, link_id, lock=True)
    if link is None or not principal.may_see(link.municipality_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, LINK_NOT_FOUND)
    if link.withdrawn_at is None:
        link.withdrawn_at, link.withdrawn_by = now, principal.subject
        await session.flush()
    return link


async def resolve(
    session: AsyncSession, *, token: str, secret: str, now: datetime
) -> Resolved | None:
    """The link of a token, or None for a token this service never signed or does not know."""
    if not tokens.verify(token, secret=secret):
        return None
    link = await repository.by_token_hash(session, tokens.token_hash(token))
    if link is None:
        return None
    case = await cases.get(session, link.case_id)
    if case is None:
        return None
    return Resolved(link=link, case=case, state=state_of(link, case, now=now))
