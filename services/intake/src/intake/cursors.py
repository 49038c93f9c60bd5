"""The page cursors of intake's lists, each bound to the list (and filter) it was made for.

The quarantine and an import's report are signed with the same secret: an untagged cursor of
one list would pass the other's signature check and then miss its keys.
"""

from __future__ import annotations

import hmac
import uuid
from datetime import datetime
from typing import Any

from servicekit.cursors import InvalidCursorError, decode_cursor, encode_cursor

_QUARANTINE = "quarantine"
_REPORT = "import-report"
OTHER_LIST = "the cursor belongs to another list or filter; start again from the first page"
OTHER_REPORT = (
    "de cursor hoort bij een andere import, een ander filter of een andere lijst; "
    "begin opnieuw bij de eerste pagina"
)


def _bound(cursor: str, binding: dict[str, str], *, secret: str, message: str) -> dict[str, Any]:
    values = decode_cursor(cursor, secret=secret)
    for key, expected in binding.items():
        if not hmac.compare_digest(str(values.get(key)), expected):
            raise InvalidCursorError(message)
    return values


def _quarantine_binding(status: str | None) -> dict[str, str]:
    return {"l": _QUARANTINE, "s": status or ""}


def quarantine_cursor(
    received_at: datetime, item_id: uuid.UUID, *, status: str | None, secret: str
) -> str:
    values = {**_quarantine_binding(status), "t": received_at.isoformat(), "id": str(item_id)}
    return encode_cursor(values, secret=secret)


def quarantine_after(cursor: str, *, status: str | None, secret: str) -> tuple[datetime, uuid.UUID]:
    """The key a quarantine cursor continues after; 400 when made for another list."""
    values = _bound(cursor, _quarantine_binding(status), secret=secret, message=OTHER_LIST)
    try:
        return datetime.fromisoformat(values["t"]), uuid.UUID(values["id"])
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidCursorError(OTHER_LIST) from error


def _report_binding(import_id: uuid.UUID, outcome: str | None) -> dict[str, str]:
    return {"l": _REPORT, "i": str(import_id), "o": outcome or ""}


def report_cursor(line: int, *, import_id: uuid.UUID, outcome: str | None, secret: str) -> str:
    return encode_cursor({**_report_binding(import_id, outcome), "line": line}, secret=secret)


def report_after(cursor: str, *, import_id: uuid.UUID, outcome: str | None, secret: str) -> int:
    """The line an import report cursor continues after; 400 when made for another list."""
    values = _bound(
        cursor, _report_binding(import_id, outcome), secret=secret, message=OTHER_REPORT
    )
    line = values.get("line")
    if not isinstance(line, int) or isinstance(line, bool):
        raise InvalidCursorError(OTHER_REPORT)
    return line
