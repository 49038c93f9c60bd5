"""Building re-examination import files for tests: valid BSNs, CSV text and XLSX workbooks."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any

from openpyxl import Workbook

COLUMNS = (
    "bsn",
    "initials",
    "prefix",
    "last_name",
    "date_of_birth",
    "street",
    "house_number",
    "house_number_suffix",
    "postal_code",
    "city",
    "email",
    "partner_bsn",
    "partner_initials",
    "partner_prefix",
    "partner_last_name",
    "partner_date_of_birth",
    "children_count",
    "policy_number",
)
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def make_bsn(seed: int) -> str:
    """A BSN that passes the eleven-test, distinct for every distinct `seed` below 10**7."""
    number = 10_000_000 + seed
    while True:
        digits = f"{number:08d}"
        total = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True))
        check = total % 11
        if check < 10 and total != check:
            return digits + str(check)
        number += 10_000_000  # another prefix digit keeps it distinct from other seeds


def resident(seed: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "bsn": make_bsn(seed),
        "initials": "J.P.",
        "prefix": "van der",
        "last_name": f"Berg{seed}",
        "date_of_birth": "1961-04-23",
        "street": "Dorpsstraat",
        "house_number": str(seed % 200 + 1),
        "house_number_suffix": "",
        "postal_code": "1234 AB",
        "city": "Amsterdam",
        "email": f"inwoner{seed}@example.nl",
        "partner_bsn": "",
        "partner_initials": "",
        "partner_prefix": "",
        "partner_last_name": "",
        "partner_date_of_birth": "",
        "children_count": "0",
        "policy_number": f"GP-{seed:07d}",
    }
    row.update(changes)
    return row


def _quote(value: Any, separator: str) -> str:
    text = "" if value is None else str(value)
    if any(c in text for c in (separator, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_lines(
    rows: Sequence[dict[str, Any] | None],
    *,
    separator: str = ";",
    columns: Sequence[str] = COLUMNS,
    header: Sequence[str] | None = None,
) -> Iterator[str]:
    """The header, then one line per row (`None` gives an empty line)."""
    yield separator.join(header or columns) + "\r\n"
    for row in rows:
        if row is None:
            yield "\r\n"
        else:
            yield separator.join(_quote(row.get(c, ""), separator) for c in columns) + "\r\n"


def csv_bytes(
    rows: Sequence[dict[str, Any] | None], *, separator: str = ";", bom: bool = False, **kw: Any
) -> bytes:
    text = "".join(csv_lines(rows, separator=separator, **kw))
    return ("\ufeff" if bom else "").encode() + text.encode()


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    """A workbook whose first sheet holds `rows` as given (first row the header)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Heronderzoek"
    for row in rows:
        sheet.append(list(row))
    workbook.create_sheet("Toelichting").append(["niet importeren"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
