"""Idempotent consumption: an inbox row per handled message, in the effect's transaction."""

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.tables import inbox


async def claim(session: AsyncSession, *, consumer: str, message_id: str) -> bool:
    """Record the message as handled by `consumer`; False when it was handled before.

    Runs inside the transaction of the effect, so the claim and the effect commit together.
    """
    statement = (
        insert(inbox)
        .values(consumer=consumer, message_id=message_id)
        .on_conflict_do_nothing(index_elements=["consumer", "message_id"])
        .returning(inbox.c.message_id)
    )
    return (await session.execute(statement)).first() is not None
