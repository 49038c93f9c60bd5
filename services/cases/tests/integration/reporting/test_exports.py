"""GET /cases/export.csv and .xlsx: contents, neutralised formulas, BSN by role, the log."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime
from typing import Any

from openpyxl import load_workbook

from cases.reporting.audit import subject_hash
from cases.reporting.exports import HEADERS
from contracts.base import EnvelopeHeader
from contracts.organisations import MunicipalityRegistered
from servicekit.routes import HandlerContext
from servicekit.tenants import municipality_registered

from .support import AMSTERDAM, BSN_SECRET, MONDAY, ROTTERDAM, Reporting, adult, child, days

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parsed_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark first"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


async def export_csv(reporting: Reporting, params: Any = None, **who: Any) -> list[list[str]]:
    response = await reporting.get("/cases/export.csv", params, **who)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return parsed_csv(response.content)


async def test_the_csv_holds_the_filtered_cases_in_dutch(reporting: Reporting) -> None:
    await reporting.add_case(
        "GV-0001",
        household=[adult("Çelik", bsn="111222333"), adult("Çelik", role="partner"), child("Ela")],
        status="advice_ready",
        advice="grant",
        submitted_at=MONDAY,
        status_changed_at=MONDAY + days(1),
    )
    await reporting.add_case(
        "HO-0002",
        kind="re_examination",
        status="decided_rejected",
        decision="rejected",
        submitted_at=MONDAY - days(1),
    )
    await reporting.add_case("GV-0003", status="received", submitted_at=MONDAY - days(2))

    header, *rows = await export_csv(reporting, {"status": ["advice_ready", "decided_rejected"]})
    assert header == [*HEADERS, "bsn aanvrager"]
    assert rows == [
        [
            "GV-0001",
            "Aanvraag",
            "Advies gereed",
            "Toekennen",
            "",
            "30-11-2026 10:00",
            "01-12-2026 10:00",
            "2",
            "3",
            AMSTERDAM,
            "111222333",
        ],
        [
            "HO-0002",
            "Heronderzoek",
            "Afgewezen",
            "",
            "Afgewezen",
            "29-11-2026 10:00",
            "29-11-2026 10:00",
            "1",
            "1",
            AMSTERDAM,
            rows[1][-1],
        ],
    ]
    sorted_rows = await export_csv(reporting, {"sort": "application_number"})
    assert [row[0] for row in sorted_rows[1:]] == ["GV-0001", "GV-0003", "HO-0002"]
    by_name = await export_csv(reporting, {"q": "celik"})
    assert [row[0] for row in by_name[1:]] == ["GV-0001"]


async def test_formulas_are_neutralised(reporting: Reporting) -> None:
    hostile = ["=HYPERLINK(1)", "+31612345678", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
    for n, value in enumerate(hostile):
        await reporting.add_case(value, advice=value[:20], submitted_at=MONDAY - days(n))
    _, *rows = await export_csv(reporting)
    assert [row[0] for row in rows] == ["'" + value for value in hostile]
    assert [row[3] for row in rows] == ["'" + value[:20] for value in hostile]

    response = await reporting.get("/cases/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["Cases"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    # A raw carriage return in XML reads back as a line feed; openpyxl's lxml writer escapes it
    # (&#13;) and keeps it. Either way the cell starts with the quote that neutralises it.
    assert [str(cell).replace("\r", "\n") for cell in cells] == [
        "'" + value.replace("\r", "\n") for value in hostile
    ]


async def test_an_export_without_rows_is_just_the_header(reporting: Reporting) -> None:
    await reporting.add_case("GV-1", status="received")
    assert await export_csv(reporting, {"status": "closed"}) == [[*HEADERS, "bsn aanvrager"]]
    response = await reporting.get("/cases/export.xlsx", {"status": "closed"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["Cases"]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [[*HEADERS, "bsn aanvrager"]]


async def test_the_bsn_column_depends_on_the_role(reporting: Reporting) -> None:
    await reporting.add_case("GV-1", household=[adult("Bakker", bsn="111222333")])
    for role in ("behandelaar", "beslisser", "functioneel_beheerder"):
        header, row = await export_csv(reporting, role=role)
        assert (header[-1], row[-1]) == ("bsn aanvrager", "111222333"), role
    header, row = await export_csv(reporting, role="raadpleger")
    assert header == list(HEADERS)
    assert "111222333" not in row
    for role in ("auditor", "operator"):
        response = await reporting.get("/cases/export.csv", role=role)
        assert response.status_code == 403, role


async def test_the_xlsx_holds_the_same_rows(reporting: Reporting) -> None:
    await reporting.add_case("GV-1", household=[adult("Bakker", bsn="111222333")])
    response = await reporting.get("/cases/export.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["Cases"]
    header, row = (list(r) for r in sheet.iter_rows(values_only=True))
    assert header == [*HEADERS, "bsn aanvrager"]
    assert row[:3] == ["GV-1", "Aanvraag", "Ontvangen"]
    assert row[5] == datetime(2026, 11, 30, 10, 0)  # noqa: DTZ001 - Amsterdam time, as staff read it
    assert row[7:] == [1, 1, AMSTERDAM, "111222333"]


async def test_every_export_is_logged_per_municipality_without_personal_data(
    reporting: Reporting,
) -> None:
    await reporting.add_case("A-1", municipality=AMSTERDAM)
    await reporting.add_case("A-2", municipality=AMSTERDAM, household=[adult("X", bsn="111222333")])
    await reporting.add_case("R-1", municipality=ROTTERDAM)
    isd = (AMSTERDAM, ROTTERDAM)
    response = await reporting.client.get(
        "/cases/export.csv",
        params={"q": "de vries", "status": "received"},
        headers={**reporting.headers(*isd), "X-Correlation-ID": "trace-export-1"},
    )
    assert response.status_code == 200
    assert len(parsed_csv(response.content)) == 3
    await reporting.get("/cases/export.xlsx", {"bsn": "111222333"}, municipalities=isd)

    log = await reporting.access_log()
    csv_entries, xlsx_entries = (
        [e for e in log if e.details["format"] == fmt] for fmt in ("csv", "xlsx")
    )
    assert {(e.municipality_code, e.row_count) for e in csv_entries} == {
        (AMSTERDAM, 1),
        (ROTTERDAM, 1),
    }
    for entry in csv_entries:
        assert (entry.action, entry.actor, entry.organisation) == (
            "cases.exported",
            "staff-1",
            "test-org",
        )
        assert (entry.role, entry.purpose, entry.trace_id) == (
            "behandelaar",
            "case_handling",
            "trace-export-1",
        )
        assert entry.details["filter"]["q"] == "name"
        assert entry.details["filter"]["status"] == ["received"]
        assert "vries" not in str(entry.details).lower()
    assert {(e.municipality_code, e.row_count) for e in xlsx_entries} == {
        (AMSTERDAM, 1),
        (ROTTERDAM, 0),
    }
    assert {e.data_subject_hash for e in xlsx_entries} == {
        subject_hash("111222333", secret=BSN_SECRET)
    }
    assert "111222333" not in str([e.details for e in xlsx_entries])


async def test_a_municipality_never_exports_another_ones_cases(reporting: Reporting) -> None:
    await reporting.add_case("A-1", municipality=AMSTERDAM)
    await reporting.add_case("R-1", municipality=ROTTERDAM, household=[adult("R", bsn="222333444")])
    _, *rows = await export_csv(reporting)
    assert [row[0] for row in rows] == ["A-1"]
    assert await export_csv(reporting, {"bsn": "222333444"}) == [[*HEADERS, "bsn aanvrager"]]
    response = await reporting.get("/cases/export.csv", {"municipality": ROTTERDAM})
    assert response.status_code == 404
    nobody = await reporting.client.get("/cases/export.csv", headers=reporting.headers("9999"))
    assert parsed_csv(nobody.content) == [[*HEADERS, "bsn aanvrager"]]


async def test_the_export_names_the_municipality_once_the_gateway_announced_it(
    reporting: Reporting,
) -> None:
    await reporting.add_case("GV-0001", status="received")
    _, before = await export_csv(reporting)
    assert before[9] == AMSTERDAM  # not announced yet: the code, never an empty cell
    async with reporting.database.transaction() as session:
        await municipality_registered(
            HandlerContext(
                session,
                EnvelopeHeader(
                    event_id=uuid.uuid4(),
                    event_type=MunicipalityRegistered.event_type,
                    version=1,
                    occurred_at=datetime.now(UTC),
                    producer="gateway",
                    correlation_id="test",
                ),
            ),
            MunicipalityRegistered(code=AMSTERDAM, name="Amsterdam"),
        )
    _, csv_row = await export_csv(reporting)
    assert csv_row[9] == "Amsterdam"
    response = await reporting.get("/cases/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["Cases"]
    _, xlsx_row = (list(r) for r in sheet.iter_rows(values_only=True))
    assert xlsx_row[9] == "Amsterdam"
