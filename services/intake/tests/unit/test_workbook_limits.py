"""XLSX files built to make openpyxl hold too much are refused before it opens them."""

from __future__ import annotations

import tracemalloc
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pytest

from intake.imports import workbook_limits as limits
from intake.imports.reader import REQUIRED_COLUMNS, ImportFileError, inspect, records

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
MiB = 1024 * 1024


def _sheet(rows: list[list[int]]) -> str:
    """Cells referring to shared strings by index."""
    cells = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{chr(65 + c)}{r}" t="s"><v>{i}</v></c>' for c, i in enumerate(row))
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    return f'<worksheet xmlns="{MAIN}"><sheetData>{cells}</sheetData></worksheet>'


def build(
    path: Path,
    strings: Iterable[str],
    *,
    rows: list[list[int]] | None = None,
    declared: int | None = None,
    parts: Mapping[str, Iterable[bytes]] | None = None,
    relationships: str = "",
    overrides: str = "",
) -> Path:
    """A minimal workbook written by hand, streamed: one sheet, shared strings, extra parts."""
    overrides += "".join(
        f'<Override PartName="/{name}" ContentType="{TYPES}.{kind}+xml"/>'
        for name, kind in [
            ("xl/workbook.xml", "sheet.main"),
            ("xl/worksheets/sheet1.xml", "worksheet"),
            ("xl/sharedStrings.xml", "sharedStrings"),
        ]
    )
    relationships += (
        f'<Relationship Id="rId1" Type="{RELATION}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELATION}/sharedStrings" Target="sharedStrings.xml"/>'
    )
    package = "http://schemas.openxmlformats.org/package/2006"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{package}/content-types">'
            f'<Default Extension="rels" ContentType="{package}.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
            f'Type="{RELATION}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATION}"><sheets>'
            '<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{package}/relationships">{relationships}</Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", _sheet(rows or [[0]]))
        with archive.open("xl/sharedStrings.xml", "w") as part:
            count = "" if declared is None else f' uniqueCount="{declared}"'
            part.write(f'<sst xmlns="{MAIN}"{count}>'.encode())
            batch: list[str] = []
            size = 0
            for text in strings:
                batch.append(f"<si><t>{text}</t></si>")
                size += len(text) + 15
                if size > MiB:
                    part.write("".join(batch).encode())
                    batch, size = [], 0
            part.write(("".join(batch) + "</sst>").encode())
        for name, chunks in (parts or {}).items():
            with archive.open(name, "w") as part:
                for chunk in chunks:
                    part.write(chunk)
    return path


def padded(head: str, size: int, tail: str) -> Iterator[bytes]:
    """An XML part of `size` bytes: whitespace between its start and end."""
    yield head.encode()
    for _ in range(size // MiB):
        yield b" " * MiB
    yield tail.encode()


def refusal(path: Path) -> tuple[int, str]:
    with pytest.raises(ImportFileError) as caught:
        inspect(path)
    return caught.value.status_code, caught.value.message


def test_a_workbook_with_shared_strings_within_the_limits_is_read(tmp_path: Path) -> None:
    header = list(REQUIRED_COLUMNS)
    values = ["111222333", "J.", "Vries", "1981-04-17", "Dorpsstraat", "1", "1234 AB", "Delft"]
    path = build(
        tmp_path / "klein.xlsx",
        header + values,
        rows=[list(range(8)), list(range(8, 16))],
        declared=16,
    )
    assert limits.workbook_reason(path) is None
    [record] = list(records(path, inspect(path).file_type))
    assert (record.line, record.values["last_name"], record.values["city"]) == (2, "Vries", "Delft")


def test_millions_of_shared_strings_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    """The probe: 6 million tiny strings in 16 MB cost openpyxl 612 MB. Two million, without
    a declared count, are counted as a stream and refused at the limit."""
    path = build(tmp_path / "teksten.xlsx", (str(i) for i in range(2_000_000)))
    assert path.stat().st_size < 10 * MiB
    tracemalloc.start()
    try:
        status, message = refusal(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (status, message) == (
        422,
        "de Excel-werkmap bevat meer dan 1.000.000 verschillende teksten; splits het bestand",
    )
    assert peak < 100 * MiB, f"{peak / MiB:.0f} MiB while refusing"


def test_a_declared_count_over_the_limit_is_refused_at_once(tmp_path: Path) -> None:
    path = build(tmp_path / "telling.xlsx", ["a", "b"], declared=limits.MAX_SHARED_STRINGS + 1)
    assert refusal(path) == (422, limits.TOO_MANY_STRINGS)


def test_shared_strings_over_64_mib_are_refused_unread(tmp_path: Path) -> None:
    path = build(tmp_path / "lang.xlsx", ("x" * MiB for _ in range(65)))
    assert refusal(path) == (422, limits.TOO_LARGE_STRINGS)


SHEET2 = f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{TYPES}.worksheet+xml"/>'
AS_SHEET = f'<Relationship Id="rId9" Type="{RELATION}/worksheet" Target="worksheets/sheet2.xml"/>'
AS_CHARTSHEET = (
    f'<Relationship Id="rId9" Type="{RELATION}/chartsheet" Target="worksheets/sheet2.xml"/>'
)
AS_WORKBOOK = (
    f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{TYPES}.sheet.main+xml"/>'
)


@pytest.mark.parametrize(
    ("name", "relationships", "overrides", "refused"),
    [
        ("xl/worksheets/sheet2.xml", AS_SHEET, SHEET2, False),
        ("xl/styles.xml", "", "", True),
        ("xl/worksheets/sheet2.xml", AS_CHARTSHEET, "", True),  # openpyxl parses it whole
        ("xl/worksheets/sheet2.xml", AS_SHEET, AS_WORKBOOK, True),
    ],
)
def test_only_worksheets_may_be_larger_than_16_mib(
    tmp_path: Path, name: str, relationships: str, overrides: str, refused: bool
) -> None:
    part = padded(f'<worksheet xmlns="{MAIN}"><sheetData/>', 17 * MiB, "</worksheet>")
    path = build(
        tmp_path / "deel.xlsx",
        ["a"],
        parts={name: part},
        relationships=relationships,
        overrides=overrides,
    )
    expected = limits.TOO_LARGE_PART if refused else None
    assert limits.workbook_reason(path) == expected


def test_a_workbook_unpacking_beyond_256_mib_is_refused(tmp_path: Path) -> None:
    parts = {
        f"xl/worksheets/sheet{n}.xml": padded(
            f'<worksheet xmlns="{MAIN}">', 15 * MiB, "</worksheet>"
        )
        for n in range(2, 20)
    }
    path = build(tmp_path / "groot.xlsx", ["a"], parts=parts)
    assert refusal(path) == (422, "de Excel-werkmap is uitgepakt te groot om te verwerken")


def test_a_zip_of_many_entries_is_refused_before_zipfile_reads_its_directory(
    tmp_path: Path,
) -> None:
    path = build(tmp_path / "veel.xlsx", ["a"], parts={f"x/{n}": [] for n in range(10_000)})
    assert refusal(path) == (422, "de Excel-werkmap bestaat uit te veel onderdelen om te verwerken")
