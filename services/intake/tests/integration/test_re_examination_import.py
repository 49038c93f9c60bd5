"""The re-examination import over HTTP, on real PostgreSQL: report, events, re-import, scope."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest

from servicekit.auth import Principal

from ..import_files import COLUMNS, csv_bytes, make_bsn, resident, xlsx_bytes
from .conftest import Intake
from .imports_support import (
    AMSTERDAM,
    CAMPAIGN,
    ROTTERDAM,
    events,
    finished,
    imported,
    known,
    report,
    upload,
)

SMALL_BATCHES = [{"import_batch_size": 4, "import_poll_seconds": 0.5}]
COUPLE = {
    "partner_bsn": make_bsn(1002),
    "partner_initials": "A.",
    "partner_last_name": "Jansen",
    "partner_date_of_birth": "02-03-1963",
    "children_count": "2",
}
ROWS: list[dict[str, Any] | None] = [
    resident(1),  # 2
    resident(2, **COUPLE),  # 3
    resident(3, bsn="123456789"),  # 4
    resident(4, date_of_birth="31-02-1960"),  # 5
    None,  # 6: an empty line
    resident(5, last_name='=HYPERLINK("http://evil.example","klik")'),  # 7
    resident(6, city="=cmd|' /C calc'!A0"),  # 8
    resident(1, last_name="Dubbel"),  # 9: the BSN of line 2 again
    resident(7, bsn=make_bsn(1002)),  # 10: the partner of line 3 as a resident
    resident(8, partner_last_name="Jansen"),  # 11
    resident(9, house_number="twaalf", postal_code=""),  # 12 (a suffix like 12a is fine)
    resident(10, house_number_suffix="bis"),  # 13
]
REPORT = [
    (2, "imported", None),
    (3, "imported", None),
    (4, "rejected", "bsn: geen geldig BSN (9 cijfers, elfproef)"),
    (5, "rejected", "date_of_birth: onleesbare datum (gebruik JJJJ-MM-DD of DD-MM-JJJJ)"),
    (7, "rejected", "last_name: formule niet toegestaan"),
    (8, "rejected", "city: formule niet toegestaan"),
    (9, "rejected", "bsn: BSN staat ook op regel 2"),
    (10, "rejected", "bsn: BSN staat ook op regel 3 (als partner)"),
    (11, "rejected", "partner_bsn: ontbreekt terwijl er partnergegevens zijn ingevuld"),
    (
        12,
        "rejected",
        "house_number: geen geldig huisnummer (cijfers, eventueel met toevoeging: 7 of 7a); "
        "postal_code: ontbreekt",
    ),
    (13, "imported", None),
]
ALREADY = "bsn: deze inwoner heeft al een heronderzoek in deze campagne (eerdere import)"


def as_xlsx(rows: list[dict[str, Any] | None]) -> bytes:
    """The same rows as typed spreadsheet cells: numbers, real dates, real formulas."""

    def cell(column: str, value: Any) -> Any:
        if column in {"bsn", "house_number", "children_count"} and str(value).isdigit():
            return int(value)
        if column == "date_of_birth" and re.match(r"^\d{4}-\d\d-\d\d$", str(value)):
            return datetime.fromisoformat(value)
        return value or None

    sheet = [list(COLUMNS)]
    for row in rows:
        sheet.append([] if row is None else [cell(c, row[c]) for c in COLUMNS])
    return xlsx_bytes(sheet)


@pytest.mark.parametrize("intake_overrides", SMALL_BATCHES, indirect=True)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
async def test_a_mixed_file_imports_the_valid_rows_and_reports_every_row(
    intake: Intake, kind: str
) -> None:
    await known(intake, "0363")
    content = csv_bytes(ROWS) if kind == "csv" else as_xlsx(ROWS)
    response = await upload(
        intake, content, filename=f"heronderzoek.{kind}", headers={"X-Correlation-ID": "corr-1"}
    )
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["status"] == "processing"
    assert accepted["file_type"] == kind

    done = await finished(intake, accepted["import_id"])
    assert done["status"] == "completed"
    assert (done["rows_total"], done["rows_imported"], done["rows_rejected"]) == (11, 3, 8)
    assert done["rows_duplicate"] == 0
    assert await report(intake, accepted["import_id"]) == REPORT
    assert await report(intake, accepted["import_id"], outcome="imported", limit=2) == [
        r for r in REPORT if r[1] == "imported"
    ]

    published = await events(intake)
    assert [e["data"]["line"] for e in published] == [2, 3, 13]
    couple = published[1]
    assert couple["correlation_id"] == "corr-1"
    data = couple["data"]
    assert data["import_id"] == accepted["import_id"]
    assert (data["municipality_code"], data["campaign"]) == ("0363", CAMPAIGN)
    assert data["household"]["applicant"]["bsn"] == make_bsn(2)
    assert data["household"]["applicant"]["address"]["postal_code"] == "1234 AB"
    assert data["household"]["partner"]["bsn"] == make_bsn(1002)
    assert data["household"]["partner"]["date_of_birth"] == "1963-03-02"
    assert data["household"]["children"] == []
    assert data["children_count"] == 2
    assert (data["email"], data["policy_number"]) == ("inwoner2@example.nl", "GP-0000002")
    assert data["imported_by"] == "beh-ams"  # who uploaded: the case's history names them
    assert re.fullmatch(r"0363:Heronderzoek 2027:[0-9a-f]{64}", data["re_examination_key"])
    assert make_bsn(2) not in data["re_examination_key"]
    assert published[2]["data"]["household"]["applicant"]["address"]["house_number_suffix"] == (
        "bis"
    )


async def test_importing_the_same_file_again_reports_duplicates_and_publishes_nothing(
    intake: Intake,
) -> None:
    await known(intake, "0363")
    first = await imported(intake, csv_bytes(ROWS))
    assert first["rows_imported"] == 3
    again = await imported(intake, csv_bytes(ROWS, separator=",", bom=True))
    assert (again["rows_imported"], again["rows_duplicate"], again["rows_rejected"]) == (0, 5, 6)
    expected = {
        2: ("duplicate", ALREADY),
        3: ("duplicate", ALREADY),
        9: ("duplicate", ALREADY),
        10: ("duplicate", ALREADY),
        13: ("duplicate", ALREADY),
    }
    assert await report(intake, again["import_id"]) == [
        (line, *expected.get(line, (outcome, reason))) for line, outcome, reason in REPORT
    ]
    assert len(await events(intake)) == 3

    next_year = await imported(intake, csv_bytes(ROWS), campaign="Heronderzoek 2028")
    assert next_year["rows_imported"] == 3
    assert len(await events(intake)) == 6


async def test_the_report_downloads_as_csv_for_excel(intake: Intake) -> None:
    await known(intake, "0363")
    done = await imported(intake, csv_bytes(ROWS))
    response = await intake.client.get(
        f"/imports/{done['import_id']}/report.csv", headers=intake.headers(AMSTERDAM)
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert (
        'attachment; filename="rapport-0363-heronderzoek-2027-'
        in (response.headers["content-disposition"])
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "regel;uitkomst;reden"
    assert lines[1:4] == [
        "2;geïmporteerd;",
        "3;geïmporteerd;",
        "4;afgekeurd;bsn: geen geldig BSN (9 cijfers, elfproef)",
    ]
    assert len(lines) == 1 + len(REPORT)


async def test_only_users_of_the_municipality_see_or_import(intake: Intake) -> None:
    await known(intake, "0363", "0599")
    content = csv_bytes([resident(1)])
    refused = await upload(intake, content, principal=ROTTERDAM)
    assert refused.status_code == 404
    done = await imported(intake, content)
    for path in (f"/imports/{done['import_id']}", f"/imports/{done['import_id']}/report.csv"):
        response = await intake.client.get(path, headers=intake.headers(ROTTERDAM))
        assert response.status_code == 404
    reader = Principal(
        subject="r", organisation="0363", role="raadpleger", municipalities=("0363",)
    )
    assert (await upload(intake, content, principal=reader)).status_code == 403
    operator = Principal(
        subject="op", organisation="platform", role="operator", all_municipalities=True
    )
    assert (
        await upload(intake, content, principal=operator, municipality="0999")
    ).status_code == 404
    assert (await intake.client.get(f"/imports/{done['import_id']}")).status_code == 401


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"municipality": "363"}, "municipality"),
        ({"campaign": ""}, "campaign"),
        ({"campaign": "=HYPERLINK(1)"}, "campaign"),
    ],
)
async def test_form_fields_are_checked(
    intake: Intake, fields: dict[str, str], fragment: str
) -> None:
    await known(intake, "0363")
    response = await upload(intake, csv_bytes([resident(1)]), **fields)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(fragment)
