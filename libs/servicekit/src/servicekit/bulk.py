"""Set-based inserts: a batch of rows goes to PostgreSQL as one array per column.

`INSERT ... SELECT * FROM unnest($1::uuid[], $2::text[], ...)` is one statement with a bind
per column, however many rows: no per-row parameter processing in Python, no per-row
execution in PostgreSQL. Rows keep their order (identity columns count up in it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class BulkInsert:
    columns: tuple[str, ...]
    statement: TextClause

    def parameters(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
        """The rows as one list per column: the statement's binds."""
        return {name: [row[name] for row in rows] for name in self.columns}


def bulk_insert(
    table: str,
    columns: Mapping[str, str],
    *,
    computed: Mapping[str, str] | None = None,
    suffix: str = "",
) -> BulkInsert:
    """The statement for `table`; `columns` maps each column to its PostgreSQL type (a JSON
    column takes JSON text), `computed` further columns to an SQL expression (e.g. `now()`).
    `suffix` adds e.g. an ON CONFLICT or RETURNING clause."""
    extra = dict(computed or {})
    names = ", ".join([*columns, *extra])
    arrays = ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in columns.items())
    values = ", ".join(["rows.*", *extra.values()])
    return BulkInsert(
        columns=tuple(columns),
        statement=text(
            f"INSERT INTO {table} ({names}) SELECT {values} FROM unnest({arrays}) AS rows {suffix}"
        ),
    )


async def insert_rows(
    session: AsyncSession, bulk: BulkInsert, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert the rows (mappings with every column) in one statement; nothing when empty."""
    if rows:
        await session.execute(bulk.statement, bulk.parameters(rows))
