"""Idempotent consumption: an inbox row per handled message, in the effect's transaction."""

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.tables import inbox

# Built once: constructing a statement per message costs more than executing it.
_CLAIM = (
    insert(inbox)
    .values(consumer=bindparam("consumer"), message_id=bindparam("message_id"))
    .on_conflict_do_nothing(index_elements=["consumer", "message_id"])
    .returning(inbox.c.message_id)
)


async def claim(session: AsyncSession, *, consumer: str, message_id: str) -> bool:
    """Record the message as handled by `consumer`; False when it was handled before.

    Runs inside the transaction of the effect, so the claim and the effect commit together.
    """
    result = await session.execute(_CLAIM, {"consumer": consumer, "message_id": message_id})
    return result.first() is not None


async def claim_many(session: AsyncSession, *, consumer: str, message_ids: list[str]) -> set[str]:
    """Record several messages at once; returns the ids not handled before."""
    if not message_ids:
        return set()
    result = await session.execute(_CLAIM_MANY, {"consumer": consumer, "message_ids": message_ids})
    return {row.message_id for row in result}


_CLAIM_MANY = text(
    "INSERT INTO inbox (consumer, message_id) "
    "SELECT :consumer, unnest(CAST(:message_ids AS text[])) "
    "ON CONFLICT (consumer, message_id) DO NOTHING RETURNING message_id"
)
