"""Rate limits of the portal, per link and per client address, counted in the database (so
every replica counts the same) in windows of one minute of the service's clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from documents.links.tokens import address_key
from documents.portal import repository


@dataclass(frozen=True)
class Limits:
    uploads_per_address: int
    uploads_per_link: int
    pages_per_address: int


def window(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


async def allow_page(
    session: AsyncSession, *, address: str, limits: Limits, secret: str, now: datetime
) -> bool:
    hits = await repository.hit(
        session, scope="page", key=address_key(address, secret=secret), window_start=window(now)
    )
    return hits <= limits.pages_per_address


async def allow_upload(
    session: AsyncSession,
    *,
    address: str,
    link_key: str,
    limits: Limits,
    secret: str,
    now: datetime,
) -> bool:
    """Count the upload for its address and its link; False when either is over its limit."""
    start = window(now)
    by_address = await repository.hit(
        session, scope="upload", key=address_key(address, secret=secret), window_start=start
    )
    by_link = await repository.hit(session, scope="link", key=link_key, window_start=start)
    return by_address <= limits.uploads_per_address and by_link <= limits.uploads_per_link
