"""Print batches: the day's letters for the post of one municipality, in address order."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from correspondence.letters import repository
from correspondence.rendering.pdf import merge


async def print_batch(session: AsyncSession, *, code: str, day: date) -> tuple[bytes | None, int]:
    """One PDF for the post room (None when nothing went by post that day)."""
    letters = [
        letter for letter in await repository.print_batch(session, code=code, day=day) if letter.pdf
    ]
    if not letters:
        return None, 0
    return await asyncio.to_thread(merge, [letter.pdf or b"" for letter in letters]), len(letters)
