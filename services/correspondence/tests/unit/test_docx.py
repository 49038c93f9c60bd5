"""Word letters: fields split over runs (body, table, header, footer), refusals on upload."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from correspondence.templates import docx
from correspondence.templates.sandbox import TemplateProblem

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "brief-besluit-toekenning.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX, UNPACKED = 10 * 1024 * 1024, 50 * 1024 * 1024


def rewrite(data: bytes, changes: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, changes.get(info.filename, source.read(info)))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def split_runs(xml: bytes, field: bytes, at: int, bold_rest: bool = True) -> bytes:
    """Split `$FIELD$` over two runs as Word does after an edit; the second run bold."""
    head, tail = field[:at], field[at:]
    rest_props = b"<w:rPr><w:b/></w:rPr>" if bold_rest else b""
    return xml.replace(field, head + b"</w:t></w:r><w:r>" + rest_props + b"<w:t>" + tail, 1)


@pytest.fixture
def split_letter() -> bytes:
    data = EXAMPLE.read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    document = archive.read("word/document.xml")
    document = split_runs(document, b"$TUSSENVOEGSEL$", 7)  # body: "$TUSSEN" + "VOEGSEL$"
    document = split_runs(document, b"$AANVRAAGNUMMER$", 3)  # a table cell
    header = archive.read("word/header1.xml").replace(
        b"<w:t>Gemeente Voorbeeldstad</w:t>", b"<w:t>$GEM</w:t></w:r><w:r><w:t>EENTE$</w:t>"
    )
    footer = archive.read("word/footer1.xml").replace(
        b"14 0123</w:t>", b"$CON</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>TACT$</w:t>"
    )
    return rewrite(
        data,
        {"word/document.xml": document, "word/header1.xml": header, "word/footer1.xml": footer},
    )


def test_fields_split_over_runs_are_found_everywhere(split_letter: bytes) -> None:
    fields = docx.inspect(split_letter, max_bytes=MAX, max_unpacked=UNPACKED)
    assert {"TUSSENVOEGSEL", "AANVRAAGNUMMER", "GEMEENTE", "CONTACT", "AANHEF"} <= fields


def test_merge_fills_split_fields_and_keeps_the_first_characters_format(
    split_letter: bytes,
) -> None:
    values = {
        "TUSSENVOEGSEL": "van der",
        "AANVRAAGNUMMER": "GP-1",
        "GEMEENTE": "Gemeente Leiden",
        "CONTACT": "071 123",
        "REDENEN": "• een\n• twee",
    }
    merged = docx.merge(split_letter, lambda name: values.get(name, f"<{name}>"))
    text = docx.text_of(merged)
    assert "van der" in text
    assert "GP-1" in text
    assert "Gemeente Leiden" in text
    assert "071 123" in text
    assert "$" not in text
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(merged)).read("word/document.xml"))
    runs = root.iter(f"{W}r")
    holder = next(r for r in runs if "van der" in "".join(t.text or "" for t in r.iter(f"{W}t")))
    # The value sits in the run of the field's first character (not bold) ...
    assert holder.find(f"{W}rPr/{W}b") is None
    # ... and the bold run that held the rest of the field keeps only its other text.
    following = holder.getnext()
    assert following.find(f"{W}rPr/{W}b") is not None
    assert "VOEGSEL" not in "".join(t.text or "" for t in following.iter(f"{W}t"))


def test_unknown_field_refused_naming_it() -> None:
    data = EXAMPLE.read_bytes()
    document = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    changed = rewrite(data, {"word/document.xml": document.replace(b"$DATUM$", b"$DATUMM$ $IBAN$")})
    with pytest.raises(TemplateProblem, match=r"\$DATUMM\$, \$IBAN\$"):
        docx.inspect(changed, max_bytes=MAX, max_unpacked=UNPACKED)


def test_zip_bomb_refused() -> None:
    data = rewrite(EXAMPLE.read_bytes(), {}, {"word/media/bomb.bin": b"\0" * (60 * 1024 * 1024)})
    assert len(data) < 1024 * 1024
    with pytest.raises(TemplateProblem, match="zipbom"):
        docx.inspect(data, max_bytes=MAX, max_unpacked=UNPACKED)


def test_docm_with_macros_refused() -> None:
    data = EXAMPLE.read_bytes()
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    macro = rewrite(
        data,
        {
            "[Content_Types].xml": types.replace(
                docx.MAIN_CONTENT_TYPE.encode(), docx.MACRO_CONTENT_TYPE.encode()
            )
        },
        {"word/vbaProject.bin": b'Attribute VB_Name = "Module1"'},
    )
    with pytest.raises(TemplateProblem, match="macro"):
        docx.inspect(macro, max_bytes=MAX, max_unpacked=UNPACKED)


def test_renamed_pdf_refused() -> None:
    with pytest.raises(TemplateProblem, match="PDF"):
        docx.inspect(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF", max_bytes=MAX, max_unpacked=UNPACKED)


def test_xml_entities_refused() -> None:
    data = EXAMPLE.read_bytes()
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>'
    with pytest.raises(TemplateProblem, match="beschadigd"):
        docx.inspect(
            rewrite(data, {"word/document.xml": evil}), max_bytes=MAX, max_unpacked=UNPACKED
        )
