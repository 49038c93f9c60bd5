"""The columns of a re-examination import, explained in Dutch, and an example file to fill in
(CSV and XLSX) with those columns and one example row.

The column names are the ones intake's reader knows (`intake.imports.reader`); the example row
is made up (its BSNs pass the elfproef but belong to nobody we know).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str
    example: str


COLUMNS: Final = (
    Column("bsn", True, "BSN van de aanvrager: 9 cijfers (elfproef).", "111222333"),
    Column("initials", True, "Voorletters van de aanvrager.", "J."),
    Column("prefix", False, "Tussenvoegsel, bijvoorbeeld de of van der.", "de"),
    Column("last_name", True, "Achternaam van de aanvrager.", "Vries"),
    Column(
        "date_of_birth",
        True,
        "Geboortedatum als dd-mm-jjjj (17-04-1981) of jjjj-mm-dd (1981-04-17), "
        "of een datumcel in Excel.",
        "17-04-1981",
    ),
    Column("street", True, "Straat van het woonadres.", "Hoofdstraat"),
    Column(
        "house_number",
        True,
        "Huisnummer, eventueel met toevoeging in dezelfde cel: 7, 7a, 7-2 of 12bis.",
        "7a",
    ),
    Column(
        "house_number_suffix",
        False,
        "Toevoeging, als die niet al bij het huisnummer staat.",
        "",
    ),
    Column("postal_code", True, "Postcode: 4 cijfers en 2 letters (1234 AB of 1234AB).", "2181 AB"),
    Column("city", True, "Woonplaats.", "Hillegom"),
    Column("email", False, "E-mailadres van de aanvrager, voor de uitnodiging.", ""),
    Column("partner_bsn", False, "BSN van de partner (verplicht als er een partner is).", ""),
    Column("partner_initials", False, "Voorletters van de partner.", ""),
    Column("partner_prefix", False, "Tussenvoegsel van de partner.", ""),
    Column("partner_last_name", False, "Achternaam van de partner.", ""),
    Column(
        "partner_date_of_birth",
        False,
        "Geboortedatum van de partner, zoals bij date_of_birth.",
        "",
    ),
    Column("children_count", False, "Aantal kinderen: een heel getal van 0 tot en met 30.", "0"),
    Column("policy_number", False, "Polisnummer bij de zorgverzekeraar.", "GP-0000001"),
)
"""In the order of the example file; intake reads the columns in any order."""


def example_csv() -> bytes:
    """`;`-separated, UTF-8 with a byte order mark, so Excel shows the accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.name for column in COLUMNS])
    writer.writerow([column.example for column in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode()


def example_xlsx() -> bytes:
    """One sheet with the header (bold) and the example row; every cell text, so Excel keeps
    a BSN's leading zero and a date as written."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Heronderzoek"
    sheet.append([column.name for column in COLUMNS])
    sheet.append([column.example for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        sheet.cell(row=2, column=index).number_format = "@"
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.name) + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
