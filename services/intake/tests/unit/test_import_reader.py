"""Reading import files: the type from the content, CSV dialects, XLSX streaming, line numbers."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from intake.imports.reader import ImportFileError, Record, inspect, records

from ..import_files import COLUMNS, csv_bytes, resident, xlsx_bytes

HEAD = ("BSN", "Initials", "Last_Name", "date_of_birth", "street")
PLACE = ("1234 AB", "Delft")


def write(tmp_path: Path, content: bytes, name: str = "upload") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def read_all(path: Path) -> list[Record]:
    return list(records(path, inspect(path).file_type))


def refusal(path: Path) -> tuple[int, str]:
    with pytest.raises(ImportFileError) as caught:
        inspect(path)
    return caught.value.status_code, caught.value.message


@pytest.mark.parametrize(
    ("separator", "bom"), [(";", False), (";", True), (",", False), (",", True)]
)
def test_csv_separator_is_detected_and_a_bom_ignored(
    tmp_path: Path, separator: str, bom: bool
) -> None:
    path = write(tmp_path, csv_bytes([resident(1), resident(2)], separator=separator, bom=bom))
    found = read_all(path)
    assert [r.line for r in found] == [2, 3]
    assert found[0].values["bsn"] == resident(1)["bsn"]
    assert found[0].values["last_name"] == "Berg1"


def test_header_is_case_insensitive_and_order_free(tmp_path: Path) -> None:
    columns = list(reversed(COLUMNS))
    header = [c.upper() if i % 2 else f" {c.title()} " for i, c in enumerate(columns)]
    path = write(tmp_path, csv_bytes([resident(1)], columns=columns, header=header))
    assert read_all(path)[0].values["city"] == "Amsterdam"


def test_empty_lines_are_skipped_and_lines_keep_their_numbers(tmp_path: Path) -> None:
    rows = [resident(1), None, resident(2, street="Lange\nstraat"), None, resident(3)]
    path = write(tmp_path, csv_bytes(rows) + b";;;;\r\n\r\n")
    found = read_all(path)
    assert [r.line for r in found] == [2, 4, 7]
    assert found[1].values["street"] == "Lange\nstraat"


def test_excel_sep_line_sets_the_separator(tmp_path: Path) -> None:
    path = write(tmp_path, b"sep=,\r\n" + csv_bytes([resident(1)], separator=","))
    assert [r.line for r in read_all(path)] == [3]


def test_reading_resumes_after_a_line(tmp_path: Path) -> None:
    path = write(tmp_path, csv_bytes([resident(i) for i in range(5)]))
    assert [r.line for r in records(path, "csv", after_line=4)] == [5, 6]


def test_extra_values_are_flagged(tmp_path: Path) -> None:
    path = write(tmp_path, csv_bytes([resident(1)]).rstrip(b"\r\n") + b";overtollig\r\n")
    assert read_all(path)[0].extra_cells


def test_xlsx_first_sheet_is_streamed_with_typed_cells(tmp_path: Path) -> None:
    from datetime import datetime

    born = datetime(1961, 4, 23)  # noqa: DTZ001
    content = xlsx_bytes(
        [
            [*HEAD, "house_number", "postal_code", "city"],
            [123456782, "J.", '=HYPERLINK("http://x","y")', born, "Dorpsstraat", 12, *PLACE],
            [],
            ["111222333", "K.", "Jansen", "1970-01-01", "Kerkstraat", 1, "1234 AB", "Delft"],
        ]
    )
    found = read_all(write(tmp_path, content, "renamed.csv"))
    assert [r.line for r in found] == [2, 4]
    assert found[0].values["bsn"] == 123456782
    assert found[0].values["last_name"] == '=HYPERLINK("http://x","y")'
    assert found[0].values["date_of_birth"] == born


@pytest.mark.parametrize(
    ("content", "status", "fragment"),
    [
        (b"", 422, "leeg"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", 415, "PDF"),
        (bytes(range(256)) * 10, 415, "geen CSV-bestand"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, 415, ".xls"),
        (b"PK\x03\x04 not really a zip", 415, "beschadigd"),
        ("bsn;initials\n".encode("utf-16"), 415, "geen CSV-bestand"),
    ],
)
def test_what_is_not_a_spreadsheet_is_refused(
    tmp_path: Path, content: bytes, status: int, fragment: str
) -> None:
    code, message = refusal(write(tmp_path, content, "bestand.xlsx"))
    assert code == status
    assert fragment in message


def test_a_zip_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "document.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    code, message = refusal(path)
    assert code == 415
    assert "geen Excel-werkmap" in message


def test_header_only_and_missing_columns(tmp_path: Path) -> None:
    assert refusal(write(tmp_path, csv_bytes([None, None]))) == (
        422,
        "het bestand bevat geen rijen, alleen een kopregel",
    )
    columns = [c for c in COLUMNS if c not in {"bsn", "city"}]
    code, message = refusal(write(tmp_path, csv_bytes([resident(1)], columns=columns)))
    assert (code, message) == (422, "verplichte kolommen ontbreken in de kopregel: bsn, city")
    assert refusal(write(tmp_path, xlsx_bytes([COLUMNS])))[1].startswith("het bestand bevat geen")
    assert (
        refusal(write(tmp_path, b"\r\n\r\n"))[1] == "het bestand bevat geen kopregel en geen rijen"
    )


def test_a_doubled_column_is_refused(tmp_path: Path) -> None:
    header = [*COLUMNS[:-1], "BSN"]
    code, message = refusal(write(tmp_path, csv_bytes([resident(1)], header=header)))
    assert (code, message) == (422, "kolom staat dubbel in de kopregel: bsn")
